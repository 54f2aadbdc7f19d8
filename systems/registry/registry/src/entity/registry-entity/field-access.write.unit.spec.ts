import { describe, expect, it } from 'vitest';
import { extractOsConfig } from '../definition/os-config.js';
import type { JsonObject } from './json-merge-patch.js';
import { assertMayCreate, managesType, ownerWrite, relationTo, writerRole } from './field-access.js';
import {
  EntityCreateForbiddenError,
  EntityFieldWriteForbiddenError,
  EntityNotFoundError,
  EntityOwnershipChangeForbiddenError,
  EntityWriteUnauthenticatedError,
} from './registry-entity.errors.js';

const config = (osConfig: object) => extractOsConfig({ _osConfig: osConfig }).config;

// Who manages, who owns, and what an owner may write (issue 14 §5).
const tenantConfig = config({
  roles: ['clerk'],
  internalFields: ['$.note', '$.rooms[*].inspection'],
  systemFields: ['osCreatedAt'],
  ownershipAttributes: [{ email: '/email', userId: '/userId' }],
});
const tenant = {
  name: 'Asha',
  email: 'Asha@Example.com',
  userId: 'u-asha',
  note: 'vetted',
  osCreatedAt: '2026-12-01',
  rooms: [{ name: 'A', inspection: 'ok' }],
};
const asha = { id: 'u-asha', roles: ['customer'], email: 'someone-else@example.com' };
const ashaByEmail = { id: 'u-other', roles: ['customer'], email: 'asha@example.com' };
const ravi = { id: 'u-ravi', roles: ['customer'], email: 'ravi@example.com' };
const clerk = { id: 'u-clerk', roles: ['clerk'] };
const anonymous = { id: 'anonymous', roles: [], authenticated: false };

describe('managesType: admin, a role in _osConfig.roles, or anyone when it holds anonymous', () => {
  it('says yes to admin and to a holder of a custom role, no to other roles', () => {
    expect(managesType(tenantConfig, { roles: ['admin'] })).toBe(true);
    expect(managesType(tenantConfig, clerk)).toBe(true);
    expect(managesType(tenantConfig, ravi)).toBe(false);
    expect(managesType(tenantConfig, anonymous)).toBe(false);
  });

  it('says yes to anyone, even without a token, when roles holds anonymous (a public registry)', () => {
    const open = config({ roles: ['anonymous'] });
    expect(managesType(open, anonymous)).toBe(true);
    expect(managesType(open, ravi)).toBe(true);
  });
});

describe('relationTo', () => {
  it('finds the owner by user id and by e-mail (case-insensitively)', () => {
    expect(relationTo(tenant, tenantConfig, '', asha)).toEqual({ owner: true, manager: false });
    expect(relationTo(tenant, tenantConfig, '', ashaByEmail)).toEqual({ owner: true, manager: false });
    expect(relationTo(tenant, tenantConfig, '', ravi)).toEqual({ owner: false, manager: false });
    expect(relationTo(tenant, tenantConfig, '', clerk)).toEqual({ owner: false, manager: true });
  });

  it('never makes a caller without a token an owner, even of an entity naming "anonymous"', () => {
    const named = { ...tenant, userId: 'anonymous' };
    expect(relationTo(named, tenantConfig, '', anonymous).owner).toBe(false);
  });
});

describe('who may create and who may write', () => {
  it('lets managers create; 401 without a token, 403 with one', () => {
    expect(() => assertMayCreate(tenantConfig, clerk, 'Tenant')).not.toThrow();
    expect(() => assertMayCreate(tenantConfig, anonymous, 'Tenant')).toThrow(EntityWriteUnauthenticatedError);
    expect(() => assertMayCreate(tenantConfig, ravi, 'Tenant')).toThrow(EntityCreateForbiddenError);
  });

  it('names managers before owners, and answers 404 to anyone else (401 without a token)', () => {
    expect(writerRole({ owner: true, manager: true }, clerk, 'Tenant', 'id-1')).toBe('manager');
    expect(writerRole({ owner: true, manager: false }, asha, 'Tenant', 'id-1')).toBe('owner');
    expect(() => writerRole({ owner: false, manager: false }, ravi, 'Tenant', 'id-1')).toThrow(EntityNotFoundError);
    expect(() => writerRole({ owner: false, manager: false }, anonymous, 'Tenant', 'id-1')).toThrow(
      EntityWriteUnauthenticatedError,
    );
  });
});

describe('ownerWrite: what an owner may change', () => {
  const write = (input: JsonObject, mode: 'replace' | 'merge-patch') => ownerWrite(tenant, input, mode, tenantConfig, '');

  it('applies a patch of ordinary fields', () => {
    expect(write({ name: 'Asha K' }, 'merge-patch')).toEqual({ ...tenant, name: 'Asha K' });
  });

  it('keeps internal and system fields on a replace that leaves them out', () => {
    const flat = config({
      internalFields: ['$.note'],
      systemFields: ['osCreatedAt'],
      ownershipAttributes: [{ userId: '/userId' }],
    });
    const { note: _note, osCreatedAt: _created, ...visible } = tenant;
    expect(ownerWrite(tenant, { ...visible, name: 'Asha K' }, 'replace', flat, '')).toEqual({
      ...tenant,
      name: 'Asha K',
    });
  });

  it('refuses naming an internal field at all (even null, even its current value): no probing', () => {
    for (const input of [{ note: null }, { note: 'vetted' }, { note: 'self-vetted' }]) {
      expect(() => write(input, 'merge-patch')).toThrow(EntityFieldWriteForbiddenError);
    }
    expect(() => write({ ...tenant }, 'replace')).toThrow(
      expect.objectContaining({ pointers: ['/note', '/rooms/*/inspection'] }),
    );
  });

  it('accepts a system field sent unchanged, refuses a changed one', () => {
    expect(write({ osCreatedAt: '2026-12-01', name: 'B' }, 'merge-patch')).toMatchObject({ name: 'B' });
    expect(() => write({ osCreatedAt: '2020-01-01' }, 'merge-patch')).toThrow(
      expect.objectContaining({ code: 'ENTITY.FIELD_WRITE_FORBIDDEN', pointers: ['/osCreatedAt'] }),
    );
  });

  it('refuses replacing an array whose items hold internal fields (their values cannot be kept item by item)', () => {
    expect(() => write({ rooms: [{ name: 'B' }] }, 'merge-patch')).toThrow(EntityFieldWriteForbiddenError);
    const { note: _note, rooms: _rooms, ...visible } = tenant;
    expect(() => write({ ...visible, rooms: [{ name: 'A' }] }, 'replace')).toThrow(
      expect.objectContaining({ pointers: ['/rooms/*/inspection'] }),
    );
  });

  it('refuses changing the fields that make them owner (e-mail, user id); a case change of the e-mail is no change', () => {
    expect(() => write({ email: 'elsewhere@example.com' }, 'merge-patch')).toThrow(EntityOwnershipChangeForbiddenError);
    expect(() => write({ userId: null }, 'merge-patch')).toThrow(EntityOwnershipChangeForbiddenError);
    expect(write({ email: 'asha@example.com' }, 'merge-patch')).toMatchObject({ email: 'asha@example.com' });
  });

  it('works under a content pointer (Daksha-style bodies wrapped in the type name)', () => {
    const wrapped = { Tenant: { name: 'Asha', email: 'a@example.com', note: 'x' } };
    const cfg = config({ internalFields: ['$.note'], ownershipAttributes: [{ email: '/email' }] });
    expect(ownerWrite(wrapped, { Tenant: { name: 'B', email: 'a@example.com' } }, 'replace', cfg, '/Tenant')).toEqual({
      Tenant: { name: 'B', email: 'a@example.com', note: 'x' },
    });
    expect(() => ownerWrite(wrapped, { Tenant: { note: 'y' } }, 'merge-patch', cfg, '/Tenant')).toThrow(
      EntityFieldWriteForbiddenError,
    );
  });
});
