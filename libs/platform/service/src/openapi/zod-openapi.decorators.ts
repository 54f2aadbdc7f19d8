import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { PROBLEM_JSON } from '../problem/problem-details.js';
import type { StandardSchema } from '../validation/zod-validation.pipe.js';

/** Name of the OpenAPI component describing an RFC 9457 problem document. */
export const PROBLEM_DETAILS_COMPONENT = 'ProblemDetails';

/** `$ref` to the RFC 9457 problem component every service document carries. */
export const problemDetailsRef = { $ref: `#/components/schemas/${PROBLEM_DETAILS_COMPONENT}` } as const;

/** JSON Schema (2020-12) of the problem documents this platform sends. */
export const problemDetailsJsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  examples: [
    {
      type: 'https://archipelago.dev/problems/validation-failed',
      title: 'Request validation failed',
      status: 400,
      detail: '1 invalid field; see errors.',
      instance: '/identity/v1/users',
      errors: [{ pointer: '/displayName', detail: 'must not contain the NUL character (U+0000)' }],
      requestId: '0b8f2f63-5c3e-4a43-9d0e-6f1f8e2b9c11',
    },
    {
      type: 'https://archipelago.dev/problems/product-not-found',
      title: 'Product not found',
      status: 404,
      detail: 'Product 3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d does not exist',
      instance: '/commerce/v1/products/3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d',
      code: 'PRODUCT.NOT_FOUND',
      requestId: '5d1c7e0a-2b4f-4c6d-8e9f-0a1b2c3d4e5f',
    },
  ],
  required: ['type', 'title', 'status'],
  properties: {
    type: {
      type: 'string',
      format: 'uri-reference',
      description: 'Problem type URI; about:blank when the status says it all.',
    },
    title: { type: 'string', description: 'Short summary of the problem type.' },
    status: { type: 'integer', minimum: 100, maximum: 599 },
    detail: { type: 'string', description: 'Explanation specific to this occurrence.' },
    instance: { type: 'string', format: 'uri-reference', description: 'The request path.' },
    requestId: { type: 'string', description: 'Id of the request; quote it when reporting a problem.' },
    code: { type: 'string', description: 'Domain error code, e.g. PRODUCT.NOT_FOUND.' },
    errors: {
      type: 'array',
      description: 'Validation problems, one per invalid field.',
      items: {
        type: 'object',
        required: ['detail'],
        properties: {
          pointer: { type: 'string', description: 'RFC 6901 JSON Pointer to the invalid body member.' },
          parameter: { type: 'string', description: 'Name of the invalid query or path parameter.' },
          detail: { type: 'string' },
        },
      },
    },
  },
} as const;

/**
 * Documents `application/problem+json` responses for `statuses` (e.g. `ApiProblemResponses(404, 409)`).
 * Every operation already documents 500; bodies declared with a schema also get 400.
 */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: STATUS_CODES[status] ?? 'Problem',
        content: { [PROBLEM_JSON]: { schema: problemDetailsRef } },
      }),
    ),
  );
}

/**
 * Documents a response whose body is described by a zod schema. A schema with
 * `.meta({ id: 'Product' })` becomes the component `#/components/schemas/Product`.
 */
export function ApiZodResponse(
  status: number,
  schema: StandardSchema,
  description?: string,
): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, standardSchema: schema, description: description ?? STATUS_CODES[status] ?? '' });
}

/**
 * Documents a response with several media types: `application/json` described by a zod schema (its
 * `.meta({ id })` sub-schemas become components, as with {@link ApiZodResponse}) and `others`
 * (e.g. `{ 'text/csv': { schema: { type: 'string' }, example: 'a,b\r\n' } }`), for a handler that
 * negotiates on `Accept`.
 */
export function ApiZodNegotiatedResponse(
  status: number,
  schema: z.ZodType,
  others: Record<string, { schema: Record<string, unknown>; example?: unknown }>,
  description?: string,
): MethodDecorator {
  const { schema: jsonSchema, components } = zodToOpenApiSchema(schema, 'output');
  Object.assign(zodBodyComponents, components);
  return ApiResponse({
    status,
    description: description ?? STATUS_CODES[status] ?? '',
    content: { 'application/json': { schema: jsonSchema }, ...others },
  }) as MethodDecorator;
}

/**
 * Documents a request body described by a zod schema, with the 400 validation problem. Only needed
 * when the body parameter was not declared with `@Body({ schema })` / `ZodBody` (which document it
 * already). A schema with `.meta({ id })` becomes a named component.
 */
export function ApiZodBody(schema: z.ZodType, description?: string): MethodDecorator {
  const { schema: jsonSchema, components } = zodToOpenApiSchema(schema, 'input');
  Object.assign(zodBodyComponents, components);
  return applyDecorators(
    ApiBody({ schema: jsonSchema as object, ...(description && { description }) }),
    ApiProblemResponses(400),
  );
}

// Components produced by ApiZodBody, merged into the document by setupOpenApi.
export const zodBodyComponents: Record<string, unknown> = {};

/**
 * Converts a zod schema to OpenAPI 3.1 (JSON Schema 2020-12): returns the schema and the
 * components it references. Sub-schemas with `.meta({ id })` become components, and `$ref`s point at
 * `#/components/schemas/<id>`.
 */
export function zodToOpenApiSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
): { schema: Record<string, unknown>; components: Record<string, unknown> } {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    ...(io === 'input' && { override: ({ zodSchema, jsonSchema }) => describeStorableString(zodSchema, jsonSchema) }),
  }) as Record<string, unknown>;
  const { $schema: _, $defs, ...rest } = json;
  return {
    schema: rewriteRefs(rest) as Record<string, unknown>,
    components: rewriteRefs(($defs as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>,
  };
}

/**
 * What JSON Schema cannot see in a zod input string, said with a `pattern` so that a document's
 * schema-valid strings are the ones the service accepts: no U+0000 (the platform refuses it
 * everywhere, see `rejectUnstorableInput`), and, for a string trimmed before a minimum length
 * (`z.string().trim().min(1)`), at least one character that is not white space. Strings that already
 * carry a `pattern`, `format`, `enum` or `const` are left alone (those exclude U+0000 by themselves).
 */
function describeStorableString(zodSchema: unknown, jsonSchema: Record<string, unknown>): void {
  if (jsonSchema.type !== 'string') return;
  if (['pattern', 'format', 'enum', 'const'].some((key) => key in jsonSchema)) return;
  const notBlank = typeof jsonSchema.minLength === 'number' && jsonSchema.minLength > 0 && trims(zodSchema);
  // \ufeff: trimmed by JavaScript, but not white space to every regex engine (e.g. Python's `\s`).
  jsonSchema.pattern = notBlank ? '^[^\\u0000]*[^\\s\\ufeff\\u0000][^\\u0000]*$' : '^[^\\u0000]*$';
}

// Whether a zod string schema trims its input: one of its overwrite checks turns ' a ' into 'a'.
function trims(zodSchema: unknown): boolean {
  const checks = (zodSchema as { _zod?: { def?: { checks?: unknown[] } } })._zod?.def?.checks ?? [];
  return checks.some((check) => {
    const tx = (check as { _zod?: { def?: { check?: string; tx?: (value: string) => unknown } } })._zod?.def;
    return tx?.check === 'overwrite' && typeof tx.tx === 'function' && tx.tx(' a ') === 'a';
  });
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      key === '$ref' && typeof child === 'string'
        ? child.replace('#/$defs/', '#/components/schemas/')
        : rewriteRefs(child),
    ]),
  );
}

/**
 * Documents an operation (or every operation of a controller) as public: its OpenAPI `security`
 * becomes `[]` (no credentials needed), overriding the document's global bearer requirement.
 * Documentation only: the route must really be served without a token (platform-auth's `Public()`
 * applies this too).
 */
export function ApiPublic(): MethodDecorator & ClassDecorator {
  // @nestjs/swagger writes `security: [{}]`; setupOpenApi turns that into `[]`.
  return ApiSecurity({});
}

/** What an `Idempotency-Key` request header may hold: 1–255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7e]{1,255}$';

/**
 * Documents the optional `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header)
 * as the platform's services enforce it: 1–255 visible ASCII characters, else a 400 validation problem.
 */
export function ApiIdempotencyKey(description = 'Makes a retry safe: the same key with the same body answers as the first request did, and does nothing again; the same key with another body is a 422. Scoped to the caller.'): MethodDecorator {
  return ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: `${description} 1–255 visible ASCII characters.`,
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: IDEMPOTENCY_KEY_PATTERN },
  });
}
