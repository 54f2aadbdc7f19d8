import { describe, expect, it } from 'vitest';
import { extractOsConfig } from '../definition/os-config.js';
import type { JsonObject } from './json-merge-patch.js';
import { isPrivatePath, mergePrivateFields, splitPrivateFields, withPrivateFieldsOf } from './private-fields.js';

const config = (privateFields: string[]) => extractOsConfig({ _osConfig: { privateFields } }).config;

describe('splitPrivateFields / mergePrivateFields', () => {
  const body: JsonObject = {
    name: 'Asha',
    identity: { type: 'NID', value: 'NID-1' },
    contacts: [{ kind: 'home', phone: '+1' }, { kind: 'none' }, { kind: 'work', phone: '+2' }],
    'a/b': 'slash',
  };

  it('takes nested, array-item and escaped private fields out, each under its concrete pointer, and puts them back', () => {
    const split = splitPrivateFields(body, config(['$.identity.value', '$.contacts[*].phone', '/a~1b']), '');
    expect(split.publicBody).toEqual({
      name: 'Asha',
      identity: { type: 'NID' },
      contacts: [{ kind: 'home' }, { kind: 'none' }, { kind: 'work' }],
    });
    expect(split.privateValues).toEqual([
      ['/identity/value', 'NID-1'],
      ['/contacts/0/phone', '+1'],
      ['/contacts/2/phone', '+2'],
      ['/a~1b', 'slash'],
    ]);
    expect(mergePrivateFields(split.publicBody, split.privateValues)).toEqual(body);
  });

  it('works under a wrapper schema content pointer, and takes a whole private object', () => {
    const wrapped: JsonObject = { Student: { name: 'Ravi', identity: { type: 'NID', value: 'NID-2' } } };
    const split = splitPrivateFields(wrapped, config(['$.identity']), '/Student');
    expect(split.publicBody).toEqual({ Student: { name: 'Ravi' } });
    expect(split.privateValues).toEqual([['/Student/identity', { type: 'NID', value: 'NID-2' }]]);
    expect(mergePrivateFields(split.publicBody, split.privateValues)).toEqual(wrapped);
  });

  it('leaves a body without private values as it is, and skips pointers whose parent is gone', () => {
    expect(splitPrivateFields({ name: 'x' }, config(['$.identity.value']), '')).toEqual({
      publicBody: { name: 'x' },
      privateValues: [],
    });
    expect(
      mergePrivateFields({ name: 'x' }, [
        ['/identity/value', 'v'],
        ['/list/3/a', 1],
      ]),
    ).toEqual({ name: 'x' });
  });
});

describe('isPrivatePath', () => {
  const c = config(['$.identity', '$.contacts[*].phone']);
  it('is true for a private path and anything inside one, in any path form', () => {
    expect(isPrivatePath('identity', c)).toBe(true);
    expect(isPrivatePath('identity.value', c)).toBe(true);
    expect(isPrivatePath('/identity/value', c)).toBe(true);
    expect(isPrivatePath('$.contacts[*].phone', c)).toBe(true);
    expect(isPrivatePath('contacts.phone', c)).toBe(true);
  });
  it('is false for other fields', () => {
    expect(isPrivatePath('name', c)).toBe(false);
    expect(isPrivatePath('contacts.kind', c)).toBe(false);
    expect(isPrivatePath('identityType', c)).toBe(false);
  });
});

describe('withPrivateFieldsOf', () => {
  it('adds the private fields of a later (active) version, keeping the rest of the configuration', () => {
    const v1 = extractOsConfig({ _osConfig: { privateFields: ['$.nationalId'], internalFields: ['$.note'] } }).config;
    const v2 = extractOsConfig({ _osConfig: { privateFields: ['$.nationalId', '$.email'] } }).config;
    const union = withPrivateFieldsOf(v1, v2);
    expect(union.privateFields).toEqual(['$.nationalId', '$.email']);
    expect(union.internalFields).toEqual(['$.note']);
    expect(splitPrivateFields({ email: 'a@example.com', name: 'A' }, union, '').publicBody).toEqual({ name: 'A' });
    expect(withPrivateFieldsOf(v2, v1, undefined)).toBe(v2);
  });
});
