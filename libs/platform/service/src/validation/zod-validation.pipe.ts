import { type ArgumentMetadata, Body, Injectable, Param, type PipeTransform, Query } from '@nestjs/common';
import { type InvalidParam, ValidationProblemException } from '../problem/problem-details.js';

/** A Standard Schema (https://standardschema.dev), which every zod 4 schema is. */
export type StandardSchema = NonNullable<ArgumentMetadata['schema']>;

/** One issue reported by a Standard Schema. */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * Validates a handler argument against a Standard Schema (zod 4 schemas are Standard Schemas) and
 * returns the parsed value (defaults, transforms and coercions applied).
 *
 * Registered globally by `PlatformModule`, it validates every parameter declared with a schema
 * (`@Body({ schema })`, {@link ZodBody}, {@link ZodQuery}, {@link ZodParams}); arguments without
 * one pass through untouched. Constructed with a schema (`@Body(new ZodValidationPipe(schema))`)
 * it validates that argument only — then do not also give the decorator a `schema`, or the value
 * is validated twice (the second time in its parsed form).
 *
 * @throws {ValidationProblemException} 400, with one `errors` entry per issue: `pointer` (RFC 6901)
 *   for body fields (`/price/amount`), `parameter` for query and path parameters (`limit`).
 */
@Injectable()
export class ZodValidationPipe implements PipeTransform {
  constructor(private readonly schema?: StandardSchema) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const schema = this.schema ?? metadata.schema;
    if (!schema) return value;
    const result = await schema['~standard'].validate(value);
    if (!result.issues) return result.value;
    throw new ValidationProblemException(toInvalidParams(result.issues, metadata.type, metadata.data));
  }
}

/** Maps Standard Schema issues to RFC 9457 `errors` entries, see {@link ZodValidationPipe}. */
export function toInvalidParams(
  issues: readonly SchemaIssue[],
  source: ArgumentMetadata['type'],
  property?: string,
): InvalidParam[] {
  return issues.flatMap((issue) => {
    const base = [
      ...(property ? [property] : []),
      ...(issue.path ?? []).map((p) => (typeof p === 'object' ? p.key : p)),
    ];
    // zod reports unknown keys of a strict object once, at the object: give each key its own entry.
    const zodIssue = issue as SchemaIssue & { code?: string; keys?: string[] };
    const keys = zodIssue.code === 'unrecognized_keys' ? zodIssue.keys : undefined;
    const paths = keys ? keys.map((key) => [...base, key]) : [base];
    const detail = keys ? 'Unknown field' : issue.message;
    return paths.map((path) =>
      source === 'body'
        ? { pointer: toJsonPointer(path), detail }
        : { parameter: path.map(String).join('.') || '(all)', detail },
    );
  });
}

/** RFC 6901 JSON Pointer of a path: `['price', 'amount']` → `/price/amount`; `[]` → `` (the whole document). */
export function toJsonPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * `@Body({ schema })`: the request body, validated by the platform's global {@link ZodValidationPipe}
 * and documented in OpenAPI (a zod schema with `.meta({ id: 'CreateProduct' })` becomes the
 * component `#/components/schemas/CreateProduct`). Type the parameter as `z.output<typeof schema>`.
 */
export function ZodBody(schema: StandardSchema): ParameterDecorator {
  return Body({ schema });
}

/** `@Query({ schema })`: the query object, validated by `schema`; each property becomes an OpenAPI parameter. */
export function ZodQuery(schema: StandardSchema): ParameterDecorator {
  return Query({ schema });
}

/** `@Param({ schema })`: the path parameters object, validated by `schema`. */
export function ZodParams(schema: StandardSchema): ParameterDecorator {
  return Param({ schema });
}
