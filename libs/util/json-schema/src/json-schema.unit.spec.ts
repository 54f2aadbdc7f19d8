import { describe, expect, it } from 'vitest';
import { dialectOf, JsonSchemaCompiler, type CompiledJsonSchema } from './json-schema.js';

const compiler = new JsonSchemaCompiler({ keywords: ['_osConfig'] });

function compiled(document: unknown, references?: Record<string, Record<string, unknown>>): CompiledJsonSchema {
  const result = compiler.compile(document, { references });
  if (!result.ok) throw new Error(`expected a schema, got ${result.errors.join('; ')}`);
  return result.schema;
}

describe('dialectOf', () => {
  it('reads draft-07 and 2020-12 from $schema, with or without the trailing #', () => {
    expect(dialectOf({ $schema: 'http://json-schema.org/draft-07/schema#' })).toBe('draft-07');
    expect(dialectOf({ $schema: 'http://json-schema.org/draft-07/schema' })).toBe('draft-07');
    expect(dialectOf({ $schema: 'https://json-schema.org/draft/2020-12/schema' })).toBe('2020-12');
    expect(dialectOf({})).toBe('draft-07');
    expect(dialectOf({ $schema: 'http://json-schema.org/draft-04/schema#' })).toBeUndefined();
  });
});

describe('JsonSchemaCompiler', () => {
  it('validates with the 2020-12 vocabulary when $schema says 2020-12 (prefixItems, $defs)', () => {
    const schema = compiled({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $defs: { point: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], items: false } },
      type: 'object',
      properties: { at: { $ref: '#/$defs/point' } },
    });
    expect(schema.dialect).toBe('2020-12');
    expect(schema.validate({ at: [1, 2] })).toEqual([]);
    expect(schema.validate({ at: [1, 2, 3] }).map((i) => i.pointer)).toEqual(['/at']);
  });

  it('refuses a draft-07 schema using 2020-12 keywords in strict mode (dialects are not mixed)', () => {
    const result = compiler.compile({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      prefixItems: [{ type: 'number' }],
    });
    expect(result.ok).toBe(false);
  });

  it('accepts the keywords it was given as annotations and refuses other unknown keywords', () => {
    expect(compiler.compile({ type: 'object', _osConfig: { privateFields: ['$.a'] } }).ok).toBe(true);
    const result = compiler.compile({ Student: { name: 'Rohan K' } });
    expect(result).toEqual({ ok: false, errors: [expect.stringContaining('unknown keyword: "Student"')] });
  });

  it('reports an unsupported dialect, a non-object and an unresolvable $ref instead of throwing', () => {
    expect(compiler.compile({ $schema: 'http://json-schema.org/draft-04/schema#' })).toMatchObject({ ok: false });
    expect(compiler.compile('a string')).toEqual({ ok: false, errors: ['a JSON Schema must be a JSON object'] });
    expect(compiler.compile({ properties: { a: { $ref: '#/definitions/Missing' } } })).toMatchObject({
      ok: false,
      errors: [expect.stringContaining("can't resolve reference")],
    });
  });

  it('checks formats from ajv-formats and refuses an unknown format', () => {
    const schema = compiled({ properties: { dob: { type: 'string', format: 'date' } } });
    expect(schema.validate({ dob: '2020-02-30' })).toEqual([
      { pointer: '/dob', keyword: 'format', message: 'must match format "date"' },
    ]);
    expect(schema.validate({ dob: '2020-02-29' })).toEqual([]);
    expect(compiler.compile({ properties: { a: { type: 'string', format: 'firstName' } } })).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('unknown format "firstName"')],
    });
  });

  it('refuses exponential-time patterns (ReDoS), in pattern and patternProperties, and accepts safe ones', () => {
    const result = compiler.compile({
      properties: {
        a: { type: 'string', pattern: '^(a+)+$' },
        b: { type: 'string', pattern: '^[A-Z]{2}[0-9]{6}$', enum: [{ pattern: '(x+)+' }] },
        c: { type: 'object', patternProperties: { '^(\\w+\\s?)*$': { type: 'string' } } },
      },
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        'pattern "^(a+)+$" at "/properties/a/pattern" may take exponential time (nested quantifiers): rewrite it',
        expect.stringContaining('at "/properties/c/patternProperties/'),
      ],
    });
    expect(compiler.compile({ properties: { b: { type: 'string', pattern: '^[A-Z]{2}[0-9]{6}$' } } }).ok).toBe(true);
    expect(new JsonSchemaCompiler({ rejectUnsafePatterns: false }).compile({ pattern: '^(a+)+$' }).ok).toBe(true);
  });

  it('accepts the annotation formats it was given without checking them', () => {
    const document = { properties: { scan: { type: 'string', format: 'file' } } };
    expect(compiler.compile(document).ok).toBe(false);
    const withFile = new JsonSchemaCompiler({ annotationFormats: ['file'] }).compile(document);
    expect(withFile.ok && withFile.schema.validate({ scan: 'anything' })).toEqual([]);
  });

  it('locates every failure by JSON Pointer, naming the missing or extra member (RFC 6901 escaping)', () => {
    const schema = compiled({
      type: 'object',
      required: ['a/b', 'name'],
      properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
      additionalProperties: false,
    });
    const issues = schema.validate({ name: 7, tags: ['x', 3], 'extra~': true });
    expect(issues.map((i) => `${i.keyword} ${i.pointer}`).sort()).toEqual([
      'additionalProperties /extra~0',
      'required /a~1b',
      'type /name',
      'type /tags/1',
    ]);
  });

  it('drops JSON-Pointer $ids (Sunbird RC\'s repeated "#/properties/x") instead of refusing the schema', () => {
    const document = {
      $schema: 'http://json-schema.org/draft-07/schema',
      properties: {
        a: { type: 'object', properties: { id: { $id: '#/properties/id', type: 'string' } } },
        b: { type: 'object', properties: { id: { $id: '#/properties/id', type: 'number' } } },
      },
    };
    const copy = structuredClone(document);
    const schema = compiled(document);
    expect(schema.validate({ a: { id: 1 }, b: { id: 'x' } }).map((i) => i.pointer)).toEqual(['/a/id', '/b/id']);
    expect(document).toEqual(copy);
  });

  it('resolves Sunbird RC cross-document references ("Common.json/#/definitions/X") in the given references', () => {
    const common = { title: 'Common', definitions: { Address: { type: 'object', required: ['city'] } } };
    const document = { type: 'object', properties: { address: { $ref: 'Common.json/#/definitions/Address' } } };
    const schema = compiled(document, { common });
    expect(schema.validate({ address: {} })).toEqual([
      { pointer: '/address/city', keyword: 'required', message: "must have required property 'city'" },
    ]);
    expect(compiler.compile(document)).toEqual({ ok: false, errors: ['$ref to "Common.json" names no known schema'] });
  });
});

describe('JsonSchemaCompiler.checkSchema', () => {
  it("accepts what its dialect's meta-schema accepts, even when it would not compile", () => {
    expect(compiler.checkSchema({ title: 'Common', properties: { a: { $ref: '#/definitions/Missing' } } })).toEqual([]);
  });

  it('lists meta-schema violations, an unsupported dialect and a non-object', () => {
    expect(compiler.checkSchema({ title: 'X', type: 5 })).toContainEqual(expect.stringContaining('/type'));
    expect(compiler.checkSchema({ required: 'name' })).not.toEqual([]);
    expect(compiler.checkSchema({ $schema: 'http://json-schema.org/draft-04/schema#' })).toHaveLength(1);
    expect(compiler.checkSchema([])).toEqual(['a JSON Schema must be a JSON object']);
  });
});
