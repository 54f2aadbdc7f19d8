import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { definitionShape, extractOsConfig } from '../definition/os-config.js';
import {
  discloseEntity,
  isOwnedBy,
  ownerIdentities,
  pointerSegments,
  provenOwner,
  relationTo,
  restrictTo,
  uniqueKeys,
  valuesAt,
} from './field-access.js';
import type { JsonObject } from './json-merge-patch.js';

const config = (osConfig: object) => extractOsConfig({ _osConfig: osConfig }).config;

const person = {
  name: 'Ada',
  email: 'Ada@Example.com',
  nationalId: 'X-123',
  notes: 'internal remark',
  education: [
    { school: 'A', marks: 91 },
    { school: 'B', marks: 75 },
  ],
};
const personConfig = config({
  privateFields: ['$.nationalId', '$.education[*].marks'],
  internalFields: ['$.notes'],
  ownershipAttributes: [{ email: '/email', userId: '$.ownerId' }],
  uniqueIndexFields: ['nationalId', '(name, email)', 'missing'],
});

describe('discloseEntity (privateFields / internalFields)', () => {
  it('gives the owner everything but internal fields', () => {
    expect(discloseEntity(person, personConfig, '', { purpose: 'read', owner: true, manager: false })).toEqual({
      name: 'Ada',
      email: 'Ada@Example.com',
      nationalId: 'X-123',
      education: person.education,
    });
  });

  it('gives a manager everything', () => {
    expect(discloseEntity(person, personConfig, '', { purpose: 'read', owner: false, manager: true })).toEqual(person);
  });

  it('gives anyone else neither private nor internal fields, removed from every array item', () => {
    expect(discloseEntity(person, personConfig, '', { purpose: 'read', owner: false, manager: false })).toEqual({
      name: 'Ada',
      email: 'Ada@Example.com',
      education: [{ school: 'A' }, { school: 'B' }],
    });
  });

  it('never puts private fields in search results, even for managers; never private nor internal in events', () => {
    const forManager = discloseEntity(person, personConfig, '', { purpose: 'search', manager: true });
    expect(forManager).toMatchObject({ notes: 'internal remark' });
    expect(forManager).not.toHaveProperty('nationalId');
    const event = discloseEntity(person, personConfig, '', { purpose: 'event' });
    expect(JSON.stringify(event)).not.toMatch(/X-123|internal remark|"marks"/);
  });

  it('leaves the body unchanged', () => {
    const copy = structuredClone(person);
    discloseEntity(person, personConfig, '', { purpose: 'event' });
    expect(person).toEqual(copy);
  });

  it("works inside a Sunbird RC wrapper body ({ Student: { … } }) with Daksha's Student _osConfig", () => {
    const schema = JSON.parse(
      readFileSync(
        new URL('../../../test/fixtures/daksha-rc/definitions-core/Student_Schema.json', import.meta.url),
        'utf8',
      ),
    );
    const record = JSON.parse(
      readFileSync(
        new URL('../../../test/fixtures/daksha-rc/definitions-core/student1.record.json', import.meta.url),
        'utf8',
      ),
    ) as JsonObject;
    const { contentPointer } = definitionShape(schema);
    const shown = discloseEntity(record, extractOsConfig(schema).config, contentPointer, {
      purpose: 'read',
      owner: false,
      manager: false,
    });
    // internalFields are $.contactDetails.email / .mobile / .address: gone; the rest stays.
    expect(shown).toEqual({ Student: { identityDetails: { fullName: 'John', gender: 'Male' }, contactDetails: {} } });
  });
});

describe('ownership', () => {
  it('reads owner identities through JSON Pointer and JSONPath attributes', () => {
    expect(ownerIdentities({ ...person, ownerId: 'u-1' }, personConfig, '')).toEqual({
      emails: ['Ada@Example.com'],
      mobiles: [],
      userIds: ['u-1'],
    });
  });

  it('matches the owner by user id or by verified e-mail in any case, and nobody else', () => {
    expect(isOwnedBy(person, personConfig, '', { id: 'u-9', email: 'ada@example.COM', emailVerified: true })).toBe(
      true,
    );
    expect(isOwnedBy({ ...person, ownerId: 'u-1' }, personConfig, '', { id: 'u-1' })).toBe(true);
    expect(isOwnedBy(person, personConfig, '', { id: 'u-9', email: 'eve@example.com', emailVerified: true })).toBe(
      false,
    );
    expect(isOwnedBy(person, personConfig, '', { id: 'u-9', email: '', emailVerified: true })).toBe(false);
    expect(isOwnedBy(person, config({}), '', { id: 'u-1', email: 'Ada@Example.com', emailVerified: true })).toBe(false);
  });

  it('never matches by an unverified e-mail (anyone may register an account under that address)', () => {
    expect(isOwnedBy(person, personConfig, '', { id: 'u-9', email: 'ada@example.com', emailVerified: false })).toBe(
      false,
    );
    expect(isOwnedBy(person, personConfig, '', { id: 'u-9', email: 'ada@example.com' })).toBe(false);
    // The user id still decides, whatever the e-mail.
    const byId = { ...person, ownerId: 'u-1' };
    expect(isOwnedBy(byId, personConfig, '', { id: 'u-1', email: 'other@example.com', emailVerified: false })).toBe(
      true,
    );
  });

  it('relationTo: an unverified e-mail makes nobody an owner, a verified one does', () => {
    const caller = { id: 'u-9', roles: [], email: 'ADA@example.com' };
    expect(relationTo(person, personConfig, '', { ...caller, emailVerified: false })).toEqual({
      owner: false,
      manager: false,
    });
    expect(relationTo(person, personConfig, '', { ...caller, emailVerified: true })).toEqual({
      owner: true,
      manager: false,
    });
  });

  it('provenOwner keeps the e-mail only when verified (the key of "my entities")', () => {
    expect(provenOwner({ id: 'u-1', email: ' a@example.com ', emailVerified: true })).toEqual({
      id: 'u-1',
      email: 'a@example.com',
    });
    expect(provenOwner({ id: 'u-1', email: 'a@example.com', emailVerified: false })).toEqual({ id: 'u-1' });
    expect(provenOwner({ id: 'u-1', email: 'a@example.com' })).toEqual({ id: 'u-1' });
  });
});

describe('uniqueKeys', () => {
  it('claims one key per uniqueIndexFields entry that is fully present, composites as tuples', () => {
    expect(uniqueKeys(person, personConfig, '')).toEqual([
      { fields: 'nationalId', value: '["X-123"]' },
      { fields: 'name,email', value: '["Ada","Ada@Example.com"]' },
    ]);
    expect(uniqueKeys({ name: 'Ada' }, personConfig, '')).toEqual([]);
  });
});

describe('valuesAt', () => {
  it('crosses arrays with * and implicitly', () => {
    expect(valuesAt(person, ['education', '*', 'school'])).toEqual(['A', 'B']);
    expect(valuesAt(person, ['education', 'marks'])).toEqual([91, 75]);
    expect(valuesAt(person, ['name', 'x'])).toEqual([]);
    expect(valuesAt(person, ['toString'])).toEqual([]);
  });
});

describe('pointerSegments: the one JSON Pointer splitter (RFC 6901)', () => {
  it("unescapes ~1 to '/' and ~0 to '~', in that order, so member names holding '/' or '~' are found", () => {
    expect(pointerSegments('')).toEqual([]);
    expect(pointerSegments('/Student')).toEqual(['Student']);
    expect(pointerSegments('/Vet~1Clinic/a~0b/0')).toEqual(['Vet/Clinic', 'a~b', '0']);
    // '~01' is '~' then '1' (RFC 6901 §4: ~1 first would give '/'): the member '~1'.
    expect(pointerSegments('/~01')).toEqual(['~1']);
    expect(pointerSegments('/')).toEqual(['']);
  });

  it("restrictTo and discloseEntity read members whose names hold '/' or '~' (a wrapper 'Vet/Clinic' is the pointer /Vet~1Clinic)", () => {
    const body = { 'Vet/Clinic': { 'name~en': 'Paws', 'x/y': 1, chip: 'CHIP-9' }, other: 2 };
    expect(restrictTo(body, ['/Vet~1Clinic/name~0en', '/Vet~1Clinic/x~1y'])).toEqual({
      'Vet/Clinic': { 'name~en': 'Paws', 'x/y': 1 },
    });
    const chip = config({ privateFields: ['$.chip'] });
    expect(discloseEntity(body, chip, '/Vet~1Clinic', { purpose: 'search', manager: true })).toEqual({
      'Vet/Clinic': { 'name~en': 'Paws', 'x/y': 1 },
      other: 2,
    });
  });
});
