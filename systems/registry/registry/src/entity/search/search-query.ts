import { InvalidSearchQueryError, type SearchProblem } from './search.errors.js';
import type { FieldKind, SearchableFields } from './searchable-fields.js';

/** Search operators (Sunbird RC's names). `or` on a field means "equals any of". */
export const SEARCH_OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'startsWith',
  'endsWith',
  'contains',
  'notContains',
  'or',
] as const;

/** A search operator. */
export type SearchOperator = (typeof SEARCH_OPERATORS)[number];

/** A scalar a condition compares with (typed by the field's kind). */
export type SearchValue = string | number | boolean;

/** One checked condition: field (dotted path, and its segments), kind, operator and typed value(s). */
export interface SearchCondition {
  readonly field: string;
  readonly path: readonly string[];
  readonly kind: FieldKind;
  readonly op: SearchOperator;
  /** One value; two (inclusive bounds) for `between`; one or more for `or`. */
  readonly values: readonly SearchValue[];
}

/**
 * A checked search: every condition of `all` holds, and, when `any` is not empty, every condition of
 * at least one of its groups holds.
 */
export interface SearchQuery {
  readonly all: readonly SearchCondition[];
  readonly any: readonly (readonly SearchCondition[])[];
  readonly limit: number;
  readonly offset: number;
}

/** Page size when none is asked for, and the largest allowed. */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 500;
const MAX_OR_VALUES = 100;

/** Which operators each field kind takes. */
export const OPERATORS_BY_KIND: Readonly<Record<FieldKind, readonly SearchOperator[]>> = {
  string: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'startsWith', 'endsWith', 'contains', 'notContains', 'or'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'or'],
  boolean: ['eq', 'neq'],
  'string[]': ['contains', 'notContains'],
  'number[]': ['contains', 'notContains'],
};

/**
 * Checks a search request body against the type's searchable fields:
 * `{ filters?: { "<dotted path>": { "<op>": value, … } }, or?: [ { "<dotted path>": { … } }, … ], limit?, offset? }`.
 * Field paths keep their case (`contactDetails.email`). Each operator must suit the field's kind
 * (text operators on strings, order on strings and numbers, `contains` on strings (substring) and
 * arrays (element)), and each value the field's type (`between`: `[low, high]`; `or`: a non-empty array).
 * @throws InvalidSearchQueryError listing every problem by JSON Pointer into the request body
 */
export function parseSearchQuery(body: unknown, fields: SearchableFields): SearchQuery {
  const problems: SearchProblem[] = [];
  if (!isObject(body)) throw new InvalidSearchQueryError([{ pointer: '', message: 'must be a JSON object' }]);
  for (const key of Object.keys(body)) {
    if (!['filters', 'or', 'limit', 'offset'].includes(key)) {
      problems.push({ pointer: `/${escape(key)}`, message: 'is not a search member (filters, or, limit, offset)' });
    }
  }
  const all = body['filters'] === undefined ? [] : conditions(body['filters'], '/filters', fields, problems);
  const any: SearchCondition[][] = [];
  if (body['or'] !== undefined) {
    if (!Array.isArray(body['or']) || body['or'].length === 0) {
      problems.push({ pointer: '/or', message: 'must be a non-empty array of filter objects' });
    } else {
      body['or'].forEach((group, i) => any.push(conditions(group, `/or/${i}`, fields, problems)));
    }
  }
  const limit = integer(body['limit'], '/limit', DEFAULT_LIMIT, 1, MAX_LIMIT, problems);
  const offset = integer(body['offset'], '/offset', 0, 0, Number.MAX_SAFE_INTEGER, problems);
  if (problems.length > 0) throw new InvalidSearchQueryError(problems);
  return { all, any, limit, offset };
}

function conditions(
  filters: unknown,
  base: string,
  fields: SearchableFields,
  problems: SearchProblem[],
): SearchCondition[] {
  if (!isObject(filters)) {
    problems.push({ pointer: base, message: 'must be an object of "<field>": { "<operator>": value }' });
    return [];
  }
  const out: SearchCondition[] = [];
  for (const [field, ops] of Object.entries(filters)) {
    const pointer = `${base}/${escape(field)}`;
    const kind = fields.get(field);
    if (!kind) {
      problems.push({ pointer, message: `unknown or unsearchable field "${field}"` });
      continue;
    }
    if (!isObject(ops) || Object.keys(ops).length === 0) {
      problems.push({ pointer, message: 'must be an object of "<operator>": value' });
      continue;
    }
    for (const [op, value] of Object.entries(ops)) {
      const at = `${pointer}/${escape(op)}`;
      if (!(SEARCH_OPERATORS as readonly string[]).includes(op)) {
        problems.push({ pointer: at, message: `unknown operator "${op}" (${SEARCH_OPERATORS.join(', ')})` });
      } else if (!OPERATORS_BY_KIND[kind].includes(op as SearchOperator)) {
        problems.push({ pointer: at, message: `operator "${op}" does not apply to a ${kind} field` });
      } else {
        const values = valuesOf(op as SearchOperator, value, kind);
        if (typeof values === 'string') problems.push({ pointer: at, message: values });
        else out.push({ field, path: field.split('.'), kind, op: op as SearchOperator, values });
      }
    }
  }
  return out;
}

function valuesOf(op: SearchOperator, value: unknown, kind: FieldKind): SearchValue[] | string {
  const scalar = kind === 'string[]' ? 'string' : kind === 'number[]' ? 'number' : kind;
  const ok = (v: unknown): v is SearchValue =>
    scalar === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === scalar;
  let values: SearchValue[];
  if (op === 'between') {
    if (!(Array.isArray(value) && value.length === 2 && value.every(ok))) return `must be [low, high], two ${scalar}s`;
    values = value;
  } else if (op === 'or') {
    if (!(Array.isArray(value) && value.length > 0 && value.length <= MAX_OR_VALUES && value.every(ok))) {
      return `must be an array of 1 to ${MAX_OR_VALUES} ${scalar}s`;
    }
    values = value;
  } else {
    if (!ok(value)) return `must be a ${scalar}`;
    values = [value];
  }
  // PostgreSQL text cannot hold U+0000: refused here rather than failing in the database.
  if (values.some((v) => typeof v === 'string' && v.includes('\u0000'))) return 'must not contain the character U+0000';
  return values;
}

function integer(
  value: unknown,
  pointer: string,
  fallback: number,
  min: number,
  max: number,
  problems: SearchProblem[],
) {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) return value;
  problems.push({ pointer, message: `must be an integer from ${min} to ${max}` });
  return fallback;
}

function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
