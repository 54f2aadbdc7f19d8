import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
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
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const { $schema: _, $defs, ...rest } = json;
  return {
    schema: rewriteRefs(rest) as Record<string, unknown>,
    components: rewriteRefs(($defs as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>,
  };
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
