import { createTestDatabase } from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DefinitionDocument } from '../../entity/definition/definition-schema.js';
import { parseSearchQuery } from '../../entity/search/search-query.js';
import { searchableFields } from '../../entity/search/searchable-fields.js';
import { compileSearchFilter } from './search-filter.compiler.js';

// The SQL the compiler writes, run on real Postgres over a jsonb column: what each operator matches.
const person: DefinitionDocument = {
  title: 'Person',
  type: 'object',
  properties: {
    fullName: { type: 'string' },
    age: { type: 'integer' },
    verified: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    contactDetails: { type: 'object', properties: { emailAddress: { type: 'string' } } },
  },
};
const rows: Record<string, object> = {
  ada: {
    fullName: 'Ada Lovelace',
    age: 36,
    verified: true,
    tags: ['vip'],
    contactDetails: { emailAddress: 'ada@example.com' },
  },
  bo: { fullName: 'Bo 50%_off', age: 9, verified: false, tags: [], contactDetails: { emailAddress: 'bo@test.org' } },
  cy: { fullName: 'Cy', age: 100, tags: ['vip', 'new'] },
  dee: { fullName: "x' OR '1'='1", age: 10.5 },
};

let pool: pg.Pool;
const fields = searchableFields(person);

async function search(body: unknown): Promise<string[]> {
  const query = parseSearchQuery(body, fields);
  const { where, params, nextParam } = compileSearchFilter(query, { column: 'e.body' });
  const sql = `SELECT id FROM entities e WHERE ${where} ORDER BY id LIMIT $${nextParam} OFFSET $${nextParam + 1}`;
  const result = await pool.query<{ id: string }>(sql, [...params, query.limit, query.offset]);
  return result.rows.map((row) => row.id);
}

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await createTestDatabase('registry_search'), max: 2 });
  await pool.query('CREATE TABLE entities (id text PRIMARY KEY, body jsonb NOT NULL)');
  for (const [id, body] of Object.entries(rows)) {
    await pool.query('INSERT INTO entities (id, body) VALUES ($1, $2)', [id, JSON.stringify(body)]);
  }
});

afterAll(async () => {
  await pool?.end();
});

describe('compiled search filters on Postgres', () => {
  it.each<[string, unknown, string[]]>([
    [
      'eq on a nested camelCase field',
      { filters: { 'contactDetails.emailAddress': { eq: 'ada@example.com' } } },
      ['ada'],
    ],
    [
      'neq also matches entities without the field',
      { filters: { 'contactDetails.emailAddress': { neq: 'ada@example.com' } } },
      ['bo', 'cy', 'dee'],
    ],
    [
      'numbers compare numerically, not as text (9 < 36 < 100)',
      { filters: { age: { gt: 9, lt: 100 } } },
      ['ada', 'dee'],
    ],
    ['between is inclusive', { filters: { age: { between: [9, 36] } } }, ['ada', 'bo', 'dee']],
    ['or on a field is "any of"', { filters: { age: { or: [9, 100] } } }, ['bo', 'cy']],
    ['booleans', { filters: { verified: { eq: false } } }, ['bo']],
    ['startsWith', { filters: { fullName: { startsWith: 'Ad' } } }, ['ada']],
    ['endsWith', { filters: { 'contactDetails.emailAddress': { endsWith: '.org' } } }, ['bo']],
    ['contains takes % and _ literally', { filters: { fullName: { contains: '50%_' } } }, ['bo']],
    ['a % alone matches only a literal %', { filters: { fullName: { contains: '%' } } }, ['bo']],
    [
      'notContains also matches entities without the field',
      { filters: { fullName: { notContains: 'o' } } },
      ['cy', 'dee'],
    ],
    ['contains on an array is element membership', { filters: { tags: { contains: 'vip' } } }, ['ada', 'cy']],
    ['notContains on an array', { filters: { tags: { notContains: 'vip' } } }, ['bo', 'dee']],
    ['or-groups across fields', { or: [{ verified: { eq: true } }, { tags: { contains: 'new' } }] }, ['ada', 'cy']],
    [
      'filters AND or-groups',
      { filters: { age: { gte: 36 } }, or: [{ fullName: { eq: 'Cy' } }, { verified: { eq: false } }] },
      ['cy'],
    ],
    [
      'an injection attempt in a value matches only that literal value',
      { filters: { fullName: { eq: "' OR '1'='1" } } },
      [],
    ],
    ['the literal attack string is just data', { filters: { fullName: { eq: "x' OR '1'='1" } } }, ['dee']],
    ['limit and offset page the result', { limit: 2, offset: 1 }, ['bo', 'cy']],
  ])('%s', async (_case, body, expected) => {
    expect(await search(body)).toEqual(expected);
  });

  it('leaves the table intact after hostile values', async () => {
    await search({ filters: { fullName: { eq: "'); DROP TABLE entities; --" } } });
    expect((await pool.query('SELECT count(*)::int AS n FROM entities')).rows[0]).toEqual({ n: 4 });
  });
});

describe('string order', () => {
  // Strings compare in code point order (collation "C", what the indexFields indexes are built in),
  // also in a database whose own collation is linguistic, where 'Zed' would sort after 'ada'.
  let linguistic: pg.Client;
  beforeAll(async () => {
    const url = new URL(await createTestDatabase('registry_search_icu_admin'));
    const name = `${url.pathname.slice(1)}_icu`;
    await pool.query(
      `CREATE DATABASE "${name}" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
    );
    url.pathname = `/${name}`;
    linguistic = new pg.Client({ connectionString: url.toString() });
    await linguistic.connect();
    await linguistic.query('CREATE TABLE entities (id text PRIMARY KEY, body jsonb NOT NULL)');
    for (const name of ['ada', 'Zed', 'Émile', 'adam']) {
      await linguistic.query('INSERT INTO entities (id, body) VALUES ($1, $2)', [
        name,
        JSON.stringify({ fullName: name }),
      ]);
    }
  });
  afterAll(async () => {
    await linguistic?.end();
  });
  const matching = async (body: unknown) => {
    const { where, params } = compileSearchFilter(parseSearchQuery(body, fields), { column: 'e.body' });
    const { rows } = await linguistic.query<{ id: string }>(`SELECT id FROM entities e WHERE ${where}`, [...params]);
    return rows.map((row) => row.id).sort(); // JavaScript's code unit order, not the database's
  };

  it("is the database's linguistic order for its own comparisons (so the next cases can tell)", async () => {
    const { rows } = await linguistic.query<{ before: boolean }>(`SELECT 'Zed' < 'ada' AS before`);
    expect(rows[0]!.before).toBe(false);
  });

  it.each<[string, unknown, string[]]>([
    ['lt: upper case before lower case', { filters: { fullName: { lt: 'a' } } }, ['Zed']],
    ['gt: non-ASCII after ASCII', { filters: { fullName: { gt: 'z' } } }, ['Émile']],
    ['between', { filters: { fullName: { between: ['Z', 'ada'] } } }, ['Zed', 'ada']],
    ['startsWith is case-sensitive', { filters: { fullName: { startsWith: 'ad' } } }, ['ada', 'adam']],
    ['eq is exact', { filters: { fullName: { eq: 'ADA' } } }, []],
  ])('%s', async (_case, body, expected) => {
    expect(await matching(body)).toEqual(expected);
  });
});
