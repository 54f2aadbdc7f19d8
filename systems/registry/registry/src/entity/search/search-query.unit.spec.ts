import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DefinitionDocument } from '../definition/definition-schema.js';
import { InvalidSearchQueryError } from './search.errors.js';
import { DEFAULT_LIMIT, parseSearchQuery } from './search-query.js';
import { searchableFields } from './searchable-fields.js';

const fixtures = new URL('../../../test/fixtures/daksha-rc/', import.meta.url);
const fixture = (path: string) => JSON.parse(readFileSync(new URL(path, fixtures), 'utf8')) as DefinitionDocument;

const person: DefinitionDocument = {
  title: 'Person',
  type: 'object',
  properties: {
    fullName: { type: 'string' },
    age: { type: 'integer' },
    verified: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    contactDetails: { $ref: '#/definitions/Contact' },
    secret: { type: 'string' },
    note: { type: 'string' },
    "bad'name": { type: 'string' },
  },
  definitions: {
    Contact: { type: 'object', properties: { email: { type: 'string' }, mobileNumber: { type: 'string' } } },
  },
  _osConfig: { privateFields: ['$.secret'], internalFields: ['$.contactDetails.mobileNumber'] },
};
const fields = searchableFields(person);

const problemsOf = (body: unknown) => {
  try {
    parseSearchQuery(body, fields);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSearchQueryError);
    return (error as InvalidSearchQueryError).problems;
  }
  throw new Error('expected InvalidSearchQueryError');
};

describe('searchableFields', () => {
  it('lists leaf fields by dotted path, camelCase kept, through $ref; never private, internal only for managers', () => {
    expect([...fields]).toEqual([
      ['fullName', 'string'],
      ['age', 'number'],
      ['verified', 'boolean'],
      ['tags', 'string[]'],
      ['contactDetails.email', 'string'],
      ['note', 'string'],
    ]);
    expect(searchableFields(person, { includeInternal: true }).get('contactDetails.mobileNumber')).toBe('string');
  });

  it('never lists a property whose name could break out of SQL ("bad\'name")', () => {
    expect([...fields.keys()].some((f) => f.includes("'"))).toBe(false);
  });

  it("reads the entity inside a Sunbird RC wrapper schema (Daksha's Student), hiding its private and internal fields", () => {
    const student = searchableFields(fixture('definitions-core/Student_Schema.json'));
    expect(student.get('identityDetails.fullName')).toBe('string');
    expect(student.get('identityDetails.identityHolder.type')).toBe('string');
    expect(student.has('identityDetails.dob')).toBe(false);
    expect(student.has('contactDetails.email')).toBe(false);
    expect(student.has('Student.identityDetails.fullName')).toBe(false);
  });
});

describe('parseSearchQuery', () => {
  it('reads filters, or-groups, limit and offset into typed conditions', () => {
    const query = parseSearchQuery(
      {
        filters: { 'contactDetails.email': { endsWith: '@example.com' }, age: { between: [18, 65], neq: 30 } },
        or: [{ verified: { eq: true } }, { tags: { contains: 'vip' }, fullName: { or: ['A', 'B'] } }],
        limit: 50,
        offset: 100,
      },
      fields,
    );
    expect(query).toEqual({
      all: [
        {
          field: 'contactDetails.email',
          path: ['contactDetails', 'email'],
          kind: 'string',
          op: 'endsWith',
          values: ['@example.com'],
        },
        { field: 'age', path: ['age'], kind: 'number', op: 'between', values: [18, 65] },
        { field: 'age', path: ['age'], kind: 'number', op: 'neq', values: [30] },
      ],
      any: [
        [{ field: 'verified', path: ['verified'], kind: 'boolean', op: 'eq', values: [true] }],
        [
          { field: 'tags', path: ['tags'], kind: 'string[]', op: 'contains', values: ['vip'] },
          { field: 'fullName', path: ['fullName'], kind: 'string', op: 'or', values: ['A', 'B'] },
        ],
      ],
      limit: 50,
      offset: 100,
    });
  });

  it('defaults to the first page of everything', () => {
    expect(parseSearchQuery({}, fields)).toEqual({ all: [], any: [], limit: DEFAULT_LIMIT, offset: 0 });
  });

  it("keeps the field's case: a lower-cased path is unknown (Daksha lower-cased JSON keys, so camelCase fields never matched)", () => {
    expect(parseSearchQuery({ filters: { fullName: { eq: 'Ada' } } }, fields).all).toHaveLength(1);
    expect(problemsOf({ filters: { fullname: { eq: 'Ada' } } })).toEqual([
      { pointer: '/filters/fullname', message: 'unknown or unsearchable field "fullname"' },
    ]);
  });

  it('refuses a malicious field name, an unknown operator and a private field, each by JSON Pointer', () => {
    expect(
      problemsOf({
        filters: {
          "fullName') OR 1=1 --": { eq: 'x' },
          fullName: { like: '%' },
          secret: { eq: 'x' },
        },
      }),
    ).toEqual([
      { pointer: "/filters/fullName') OR 1=1 --", message: `unknown or unsearchable field "fullName') OR 1=1 --"` },
      { pointer: '/filters/fullName/like', message: expect.stringContaining('unknown operator "like"') },
      { pointer: '/filters/secret', message: 'unknown or unsearchable field "secret"' },
    ]);
  });

  it('refuses operators that do not suit the field and values of the wrong type', () => {
    expect(
      problemsOf({
        filters: {
          age: { startsWith: '1', gt: '18' },
          verified: { gt: true },
          fullName: { between: ['A'], or: [] },
          tags: { eq: 'x' },
          note: { eq: 'nul\u0000' },
        },
      }).map((p) => `${p.pointer}: ${p.message}`),
    ).toEqual([
      '/filters/age/startsWith: operator "startsWith" does not apply to a number field',
      '/filters/age/gt: must be a number',
      '/filters/verified/gt: operator "gt" does not apply to a boolean field',
      '/filters/fullName/between: must be [low, high], two strings',
      '/filters/fullName/or: must be an array of 1 to 100 strings',
      '/filters/tags/eq: operator "eq" does not apply to a string[] field',
      '/filters/note/eq: must not contain the character U+0000',
    ]);
  });

  it('refuses a bad shape, limit, offset or extra member', () => {
    expect(problemsOf([])).toEqual([{ pointer: '', message: 'must be a JSON object' }]);
    expect(problemsOf({ filters: [], or: {}, limit: 0, offset: -1, sort: 'x' }).map((p) => p.pointer)).toEqual([
      '/sort',
      '/filters',
      '/or',
      '/limit',
      '/offset',
    ]);
    expect(problemsOf({ limit: 501 })).toEqual([{ pointer: '/limit', message: 'must be an integer from 1 to 500' }]);
    expect(problemsOf({ filters: { age: {} } })).toEqual([
      { pointer: '/filters/age', message: 'must be an object of "<operator>": value' },
    ]);
  });
});
