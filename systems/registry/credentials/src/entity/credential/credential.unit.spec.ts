import { describe, expect, it } from 'vitest';
import {
  buildCredential,
  checkValidity,
  decideRevocation,
  pickStatusIndex,
  purposeOfStatusList,
  renderTemplate,
  STATUS_LIST_LENGTH,
  VC_CONTEXT_V2,
} from './credential.js';
import { InvalidCredentialRequestError, StatusListFullError } from './credential.errors.js';

const base = {
  credentialId: '0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11',
  issuer: 'did:web:localhost%3A8000',
  entityType: 'Teacher',
  entityId: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d',
  data: { name: 'Asha Rao', school: { name: 'GHS Mysuru' }, years: 7 },
  now: '2026-12-06T10:00:00.000Z',
  statusListIndex: 4711,
  statusListCredential: 'http://localhost:8000/registry/v1/credentials/status/1',
  suspension: { statusListIndex: 815, statusListCredential: 'http://localhost:8000/registry/v1/credentials/status/2' },
};

describe('renderTemplate', () => {
  it('replaces placeholders in strings and keeps the JSON type of a whole placeholder', () => {
    expect(
      renderTemplate({ a: 'Teacher {{name}} at {{school.name}}', b: '{{years}}', c: ['{{ name }}'] }, base.data),
    ).toEqual({ a: 'Teacher Asha Rao at GHS Mysuru', b: 7, c: ['Asha Rao'] });
  });
  it('refuses a placeholder with no value', () => {
    expect(() => renderTemplate({ a: '{{missing.path}}' }, base.data)).toThrow(InvalidCredentialRequestError);
  });
  it('does not read inherited properties', () => {
    expect(() => renderTemplate({ a: '{{constructor}}' }, base.data)).toThrow(InvalidCredentialRequestError);
  });
});

describe('buildCredential', () => {
  it('builds a VC 2.0 credential with two BitstringStatusListEntry entries: revocation and suspension, each its own list and index', () => {
    const vc = buildCredential({
      ...base,
      template: { type: ['TeacherCredential'], credentialSubject: { name: '{{name}}', school: '{{school.name}}' } },
    });
    expect(vc).toEqual({
      '@context': [VC_CONTEXT_V2],
      id: `urn:uuid:${base.credentialId}`,
      type: ['VerifiableCredential', 'TeacherCredential'],
      issuer: base.issuer,
      validFrom: base.now,
      credentialSubject: { id: `urn:uuid:${base.entityId}`, name: 'Asha Rao', school: 'GHS Mysuru' },
      credentialStatus: [
        {
          id: `${base.statusListCredential}#4711`,
          type: 'BitstringStatusListEntry',
          statusPurpose: 'revocation',
          statusListIndex: '4711',
          statusListCredential: base.statusListCredential,
        },
        {
          id: 'http://localhost:8000/registry/v1/credentials/status/2#815',
          type: 'BitstringStatusListEntry',
          statusPurpose: 'suspension',
          statusListIndex: '815',
          statusListCredential: 'http://localhost:8000/registry/v1/credentials/status/2',
        },
      ],
    });
  });
  it('uses the whole data as the subject without a template', () => {
    const vc = buildCredential(base);
    expect(vc.type).toEqual(['VerifiableCredential', 'TeacherCredential']);
    expect(vc.credentialSubject).toEqual({ id: `urn:uuid:${base.entityId}`, ...base.data });
  });
  it('refuses a validUntil not after now', () => {
    expect(() => buildCredential({ ...base, validUntil: base.now })).toThrow(InvalidCredentialRequestError);
  });
});

describe('pickStatusIndex', () => {
  it('returns a free index in range', () => {
    const taken = new Set([0, 1, 2]);
    const index = pickStatusIndex(
      () => 0,
      (i) => taken.has(i),
      8,
    );
    expect(taken.has(index)).toBe(false);
    expect(index).toBeLessThan(8);
  });
  it('spreads indexes over the whole list', () => {
    expect(
      pickStatusIndex(
        () => 1 - Number.EPSILON,
        () => false,
      ),
    ).toBe(STATUS_LIST_LENGTH - 1);
  });
  it('throws when the list is full', () => {
    expect(() => pickStatusIndex(Math.random, () => true, 16)).toThrow(StatusListFullError);
  });
});

describe('checkValidity', () => {
  const vc = { validFrom: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' };
  it('accepts a time inside the period', () => expect(checkValidity(vc, base.now).ok).toBe(true));
  it('refuses before validFrom', () => expect(checkValidity(vc, '2025-12-31T00:00:00Z').ok).toBe(false));
  it('refuses after validUntil', () => expect(checkValidity(vc, '2027-01-02T00:00:00Z').ok).toBe(false));
  it('refuses a malformed date', () => expect(checkValidity({ validFrom: 'soon' }, base.now).ok).toBe(false));
});

describe('decideRevocation', () => {
  it('revokes once, then is a no-op', () => {
    expect(decideRevocation(null)).toBe('revoke');
    expect(decideRevocation('2026-12-06T10:00:00.000Z')).toBe('already-revoked');
  });
});

describe('purposeOfStatusList', () => {
  it('names list 1 revocation and list 2 suspension; any other list does not exist', () => {
    expect([1, 2, 0, 3].map(purposeOfStatusList)).toEqual(['revocation', 'suspension', undefined, undefined]);
  });
});
