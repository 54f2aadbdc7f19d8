import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import safeRegex from 'safe-regex2';

// ajv-formats is CommonJS with `exports.default`: under NodeNext the default import is the module
// object in types, and either the function or the module object at run time depending on the loader.
type AddFormats = typeof addFormatsModule.default;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

/** The JSON Schema dialects accepted, chosen by a schema's `$schema`. */
export type JsonSchemaDialect = 'draft-07' | '2020-12';

const DIALECTS: Readonly<Record<string, JsonSchemaDialect>> = {
  'http://json-schema.org/draft-07/schema': 'draft-07',
  'https://json-schema.org/draft-07/schema': 'draft-07',
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
  'http://json-schema.org/draft/2020-12/schema': '2020-12',
};

/**
 * The dialect a schema declares with `$schema` (a trailing `#` is ignored; `http`/`https` both
 * accepted). A schema without `$schema` is draft-07, the dialect of Sunbird RC's schemas.
 * @returns the dialect, or `undefined` when `$schema` names one we do not support (draft-04, 2019-09, …)
 */
export function dialectOf(schema: Readonly<Record<string, unknown>>): JsonSchemaDialect | undefined {
  const declared = schema['$schema'];
  if (declared === undefined) return 'draft-07';
  if (typeof declared !== 'string') return undefined;
  return DIALECTS[declared.replace(/#$/, '')];
}

/** One failed constraint of an instance, located by an RFC 6901 JSON Pointer into the instance. */
export interface JsonSchemaIssue {
  /** RFC 6901 pointer to the offending value ('' = the whole instance); for `required` it names the missing member. */
  readonly pointer: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `format`, …). */
  readonly keyword: string;
  /** Human-readable reason, from ajv. */
  readonly message: string;
}

/** A compiled schema: validates instances, reporting every failed constraint. */
export interface CompiledJsonSchema {
  readonly dialect: JsonSchemaDialect;
  /** @returns the issues found (all of them, not only the first); empty when `instance` is valid */
  validate(instance: unknown): JsonSchemaIssue[];
}

/** Result of {@link JsonSchemaCompiler.compile}: a validator, or the reasons the document is not a usable schema. */
export type JsonSchemaCompileResult =
  | { readonly ok: true; readonly schema: CompiledJsonSchema }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Options of {@link JsonSchemaCompiler}. */
export interface JsonSchemaCompilerOptions {
  /** Extra top-level keywords to accept as annotations (strict mode refuses unknown keywords), e.g. `_osConfig`. */
  readonly keywords?: readonly string[];
  /**
   * Extra `format` names to accept without checking anything (annotations), e.g. Sunbird RC's
   * `file`. Any other format ajv-formats does not know stays an error.
   */
  readonly annotationFormats?: readonly string[];
  /**
   * Refuse `pattern`s and `patternProperties` keys that safe-regex2 finds exponential-time (nested
   * quantifiers such as `^(a+)+$`): ajv runs them with JavaScript's backtracking RegExp on every
   * validated instance, so one such pattern in a schema lets any caller stall the process (ReDoS).
   * Default true.
   */
  readonly rejectUnsafePatterns?: boolean;
}

/** Options of one {@link JsonSchemaCompiler.compile} call. */
export interface JsonSchemaCompileOptions {
  /**
   * Other schemas the schema may reference across documents, by file stem: a reference
   * `Common.json#/definitions/Address` (or Sunbird RC's non-standard `Common.json/#/definitions/Address`)
   * resolves in `references.Common`. Looked up case-sensitively first, then case-insensitively.
   */
  readonly references?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const CROSS_FILE_REF = /^([^#/][^#]*?)\.json\/?#(.*)$/;

/**
 * Compiles JSON Schema documents with ajv 8 in strict mode, draft-07 (`Ajv`) or 2020-12
 * (`ajv/dist/2020`) chosen by `$schema` ({@link dialectOf}), with ajv-formats (date, date-time, email,
 * uri, …: an unknown `format` is an error, not silently ignored).
 *
 * Two normalisations, applied to a copy (the caller's document is never changed), let Sunbird RC
 * style schemas compile as they are written:
 * - `$id` values that are JSON Pointer fragments (`"#/properties/fullName"`) are dropped: they name
 *   nothing a `$ref` can use (a `$ref` of that form resolves from the root anyway), are not valid
 *   identifiers in either dialect, and make ajv refuse the schema when two subschemas repeat one.
 * - cross-document references `X.json/#/p` and `X.json#/p` are resolved in `references.X`.
 *
 * Each call uses a fresh ajv instance, so definitions never see each other's `$id`s. Compiling costs
 * milliseconds: cache the {@link CompiledJsonSchema} per schema version.
 */
export class JsonSchemaCompiler {
  private readonly keywords: readonly string[];
  private readonly annotationFormats: readonly string[];
  private readonly rejectUnsafePatterns: boolean;

  constructor(options: JsonSchemaCompilerOptions = {}) {
    this.keywords = options.keywords ?? [];
    this.annotationFormats = options.annotationFormats ?? [];
    this.rejectUnsafePatterns = options.rejectUnsafePatterns ?? true;
  }

  /**
   * Checks that `document` is a JSON Schema of a supported dialect that its dialect's meta-schema
   * accepts (keyword values of the right types, …), without compiling it: no `$ref` is resolved,
   * unknown keywords and formats are not reported. Cheap; use it to refuse what is not a schema at all.
   * @returns the problems found (empty when it is a schema). Never throws.
   */
  checkSchema(document: unknown): string[] {
    if (!isObject(document)) return ['a JSON Schema must be a JSON object'];
    const dialect = dialectOf(document);
    if (!dialect) return [`unsupported $schema ${JSON.stringify(document['$schema'])}: use draft-07 or 2020-12`];
    const ajv = dialect === '2020-12' ? new Ajv2020(AJV_OPTIONS) : new Ajv(AJV_OPTIONS);
    try {
      if (ajv.validateSchema(document as AnySchemaObject) === true) return [];
      return (ajv.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}`);
    } catch (error) {
      return [error instanceof Error ? error.message : String(error)];
    }
  }

  /**
   * @param document the schema (any JSON value; a non-object is reported, not thrown)
   * @returns `{ ok: true, schema }`, or `{ ok: false, errors }` listing why it is not a usable schema
   *   (unsupported `$schema`, unknown keyword, unresolvable `$ref`, unknown format, …). Never throws.
   */
  compile(document: unknown, options: JsonSchemaCompileOptions = {}): JsonSchemaCompileResult {
    if (!isObject(document)) return { ok: false, errors: ['a JSON Schema must be a JSON object'] };
    const dialect = dialectOf(document);
    if (!dialect) {
      return {
        ok: false,
        errors: [`unsupported $schema ${JSON.stringify(document['$schema'])}: use draft-07 or 2020-12`],
      };
    }
    const ajv = dialect === '2020-12' ? new Ajv2020(AJV_OPTIONS) : new Ajv(AJV_OPTIONS);
    addFormats(ajv);
    for (const keyword of this.keywords) ajv.addKeyword(keyword);
    for (const format of this.annotationFormats) ajv.addFormat(format, true);
    const errors: string[] = [];
    try {
      const referenced = new Set<string>();
      const root = normalise(document, referenced);
      for (const stem of referenced) {
        const target = lookup(options.references ?? {}, stem);
        if (!target) {
          errors.push(`$ref to "${stem}.json" names no known schema`);
          continue;
        }
        ajv.addSchema(normalise(withoutId(target), new Set()) as AnySchemaObject, `${stem}.json`);
      }
      if (this.rejectUnsafePatterns) errors.push(...unsafePatterns(root, ''));
      if (errors.length > 0) return { ok: false, errors };
      const validator = ajv.compile(root as AnySchemaObject);
      return { ok: true, schema: new AjvCompiledSchema(dialect, validator) };
    } catch (error) {
      return { ok: false, errors: [error instanceof Error ? error.message : String(error)] };
    }
  }
}

// ajv's default strictness: unknown keywords and formats are errors (strictSchema), strictTypes/strictTuples
// only warn (silenced: real schemas omit `type` next to `properties` all the time), strictRequired is off.
const AJV_OPTIONS = { strictSchema: true, allErrors: true, logger: false } as const;

class AjvCompiledSchema implements CompiledJsonSchema {
  constructor(
    readonly dialect: JsonSchemaDialect,
    private readonly validator: ValidateFunction,
  ) {}

  validate(instance: unknown): JsonSchemaIssue[] {
    if (this.validator(instance)) return [];
    return (this.validator.errors ?? []).map(toIssue);
  }
}

function toIssue(error: ErrorObject): JsonSchemaIssue {
  const params = error.params as Record<string, unknown>;
  const member =
    error.keyword === 'required' || error.keyword === 'dependentRequired' || error.keyword === 'dependencies'
      ? params['missingProperty']
      : error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties'
        ? (params['additionalProperty'] ?? params['unevaluatedProperty'])
        : undefined;
  const pointer = typeof member === 'string' ? `${error.instancePath}/${escapePointer(member)}` : error.instancePath;
  return { pointer, keyword: error.keyword, message: error.message ?? error.keyword };
}

/** RFC 6901 §3 escaping of one reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function normalise(value: unknown, referenced: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => normalise(item, referenced));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '$id' && typeof child === 'string' && child.startsWith('#/')) continue;
    if (key === '$ref' && typeof child === 'string') {
      const match = CROSS_FILE_REF.exec(child);
      if (match) {
        referenced.add(match[1]!);
        out[key] = `${match[1]}.json#${match[2]}`;
        continue;
      }
    }
    // `_osConfig` and other annotations are data, not subschemas: copied as they are.
    out[key] = key.startsWith('_') ? child : normalise(child, referenced);
  }
  return out;
}

// Members whose values are data, not subschemas: a "pattern" inside them is not a keyword.
const DATA_MEMBERS = new Set(['enum', 'const', 'default', 'examples']);

function unsafePatterns(schema: unknown, pointer: string): string[] {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => unsafePatterns(item, `${pointer}/${i}`));
  if (!isObject(schema)) return [];
  const found: string[] = [];
  const check = (pattern: string, at: string) => {
    if (!safeRegex(pattern)) {
      found.push(
        `pattern ${JSON.stringify(pattern)} at "${at}" may take exponential time (nested quantifiers): rewrite it`,
      );
    }
  };
  for (const [key, child] of Object.entries(schema)) {
    const at = `${pointer}/${escapePointer(key)}`;
    if (key === 'pattern' && typeof child === 'string') check(child, at);
    else if (key === 'patternProperties' && isObject(child)) {
      for (const [pattern, sub] of Object.entries(child)) {
        check(pattern, `${at}/${escapePointer(pattern)}`);
        found.push(...unsafePatterns(sub, `${at}/${escapePointer(pattern)}`));
      }
    } else if (!DATA_MEMBERS.has(key) && !key.startsWith('_')) found.push(...unsafePatterns(child, at));
  }
  return found;
}

function withoutId(schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { $id: _id, ...rest } = schema;
  return rest;
}

function lookup(
  references: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  stem: string,
): Readonly<Record<string, unknown>> | undefined {
  if (references[stem]) return references[stem];
  const key = Object.keys(references).find((name) => name.toLowerCase() === stem.toLowerCase());
  return key === undefined ? undefined : references[key];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
