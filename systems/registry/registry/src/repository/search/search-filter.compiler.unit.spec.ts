import { describe, expect, it } from 'vitest';
import type { DefinitionDocument } from '../../entity/definition/definition-schema.js';
import { parseSearchQuery, type SearchQuery } from '../../entity/search/search-query.js';
import { searchableFields } from '../../entity/search/searchable-fields.js';
import { compileSearchFilter } from './search-filter.compiler.js';

const person: DefinitionDocument = {
  title: 'Person',
  type: 'object',
  properties: {
    fullName: { type: 'string' },
    age: { type: 'integer' },
    verified: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    scores: { type: 'array', items: { type: 'number' } },
    contactDetails: { type: 'object', properties: { email: { type: 'string' } } },
  },
};
const fields = searchableFields(person);
const sql = (body: unknown, options: { contentPath?: string[]; firstParam?: number } = {}) =>
  compileSearchFilter(parseSearchQuery(body, fields), { column: 'e.body', ...options });
const one = (field: string, op: string, value: unknown) => sql({ filters: { [field]: { [op]: value } } });

describe('compileSearchFilter', () => {
  it.each([
    ['fullName', 'eq', 'Ada', `((e.body #>> '{fullName}') COLLATE "C") = $1`, ['Ada']],
    ['fullName', 'neq', 'Ada', `((e.body #>> '{fullName}') COLLATE "C") IS DISTINCT FROM $1`, ['Ada']],
    ['fullName', 'gt', 'M', `((e.body #>> '{fullName}') COLLATE "C") > $1`, ['M']],
    ['fullName', 'lte', 'M', `((e.body #>> '{fullName}') COLLATE "C") <= $1`, ['M']],
    ['fullName', 'between', ['A', 'M'], `((e.body #>> '{fullName}') COLLATE "C") BETWEEN $1 AND $2`, ['A', 'M']],
    ['fullName', 'or', ['Ada', 'Bo'], `((e.body #>> '{fullName}') COLLATE "C") IN ($1, $2)`, ['Ada', 'Bo']],
    ['fullName', 'startsWith', 'Ad', `((e.body #>> '{fullName}') COLLATE "C") LIKE $1 ESCAPE '\\'`, ['Ad%']],
    ['fullName', 'endsWith', 'da', `((e.body #>> '{fullName}') COLLATE "C") LIKE $1 ESCAPE '\\'`, ['%da']],
    ['fullName', 'contains', 'd', `((e.body #>> '{fullName}') COLLATE "C") LIKE $1 ESCAPE '\\'`, ['%d%']],
    [
      'fullName',
      'notContains',
      'd',
      `(((e.body #>> '{fullName}') COLLATE "C") IS NULL OR ((e.body #>> '{fullName}') COLLATE "C") NOT LIKE $1 ESCAPE '\\')`,
      ['%d%'],
    ],
    ['age', 'eq', 30, `(e.body #> '{age}') = to_jsonb($1::numeric)`, [30]],
    ['age', 'gte', 18, `(e.body #> '{age}') >= to_jsonb($1::numeric)`, [18]],
    [
      'age',
      'between',
      [18, 65],
      `(e.body #> '{age}') BETWEEN to_jsonb($1::numeric) AND to_jsonb($2::numeric)`,
      [18, 65],
    ],
    ['age', 'or', [1, 2], `(e.body #> '{age}') IN (to_jsonb($1::numeric), to_jsonb($2::numeric))`, [1, 2]],
    ['verified', 'eq', true, `(e.body #> '{verified}') = to_jsonb($1::boolean)`, [true]],
    ['verified', 'neq', true, `(e.body #> '{verified}') IS DISTINCT FROM to_jsonb($1::boolean)`, [true]],
    ['tags', 'contains', 'vip', `(e.body #> '{tags}') @> jsonb_build_array($1::text)`, ['vip']],
    ['tags', 'notContains', 'vip', `NOT COALESCE((e.body #> '{tags}') @> jsonb_build_array($1::text), FALSE)`, ['vip']],
    ['scores', 'contains', 7, `(e.body #> '{scores}') @> jsonb_build_array($1::numeric)`, [7]],
  ])('%s %s %j → %s', (field, op, value, where, params) => {
    expect(one(field, op, value)).toEqual({ where, params, nextParam: params.length + 1 });
  });

  it('keeps camelCase nested paths as they are (Daksha lower-cased them, so such fields never matched)', () => {
    expect(one('contactDetails.email', 'eq', 'a@x.org').where).toBe(
      `((e.body #>> '{contactDetails,email}') COLLATE "C") = $1`,
    );
  });

  it('binds every value, however hostile: an injection attempt is only a string to compare with (Daksha interpolated list filters into SQL)', () => {
    const attack = "x' OR '1'='1'; DROP TABLE entities; --";
    const compiled = one('fullName', 'eq', attack);
    expect(compiled.where).toBe(`((e.body #>> '{fullName}') COLLATE "C") = $1`);
    expect(compiled.params).toEqual([attack]);
  });

  it('escapes LIKE wildcards and the escape character in the value', () => {
    expect(one('fullName', 'contains', '50%_off\\').params).toEqual(['%50\\%\\_off\\\\%']);
  });

  it('ANDs filters, ORs the or-groups (each group ANDed), and numbers parameters from firstParam', () => {
    const compiled = sql(
      {
        filters: { age: { gte: 18 } },
        or: [{ verified: { eq: true } }, { fullName: { startsWith: 'A' }, tags: { contains: 'vip' } }],
      },
      { firstParam: 3 },
    );
    expect(compiled).toEqual({
      where:
        `(e.body #> '{age}') >= to_jsonb($3::numeric) AND (((e.body #> '{verified}') = to_jsonb($4::boolean)) OR ` +
        `(((e.body #>> '{fullName}') COLLATE "C") LIKE $5 ESCAPE '\\' AND (e.body #> '{tags}') @> jsonb_build_array($6::text)))`,
      params: [18, true, 'A%', 'vip'],
      nextParam: 7,
    });
  });

  it('matches everything when there is no filter', () => {
    expect(sql({})).toEqual({ where: 'TRUE', params: [], nextParam: 1 });
  });

  it('prefixes paths with the content path of Sunbird RC wrapper bodies ({ Student: { … } })', () => {
    expect(sql({ filters: { fullName: { eq: 'Ada' } } }, { contentPath: ['Student'] }).where).toBe(
      `((e.body #>> '{Student,fullName}') COLLATE "C") = $1`,
    );
  });

  it('refuses, as a programming error, a path segment or column that is not a plain identifier', () => {
    const forged: SearchQuery = {
      all: [{ field: "a'}', 1)--", path: ["a'}', 1)--"], kind: 'string', op: 'eq', values: ['x'] }],
      any: [],
      limit: 1,
      offset: 0,
    };
    expect(() => compileSearchFilter(forged, { column: 'body' })).toThrow(/not a searchable path segment/);
    expect(() => compileSearchFilter({ ...forged, all: [] }, { column: 'body; DROP TABLE x' })).toThrow(
      /not a column reference/,
    );
  });
});
