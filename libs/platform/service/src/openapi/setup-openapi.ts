import type { INestApplication } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import { type DomainErrorMapping, PROBLEM_JSON, problemTypeUri } from '../problem/problem-details.js';
import {
  PROBLEM_DETAILS_COMPONENT,
  problemDetailsJsonSchema,
  problemDetailsRef,
  zodBodyComponents,
  zodToOpenApiSchema,
} from './zod-openapi.decorators.js';

/** What the OpenAPI document says about the service. */
export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
  /** Tags with descriptions, in display order. */
  tags?: ReadonlyArray<{ name: string; description?: string }>;
  /** Adds the `bearer` (JWT) security scheme and requires it globally. Default `true`. */
  bearerAuth?: boolean;
  /**
   * Last changes to the built document, for facts only known at run time (e.g.
   * `(doc) => restrictSchemaProperty(doc, 'currency', { enum: [config.COMMERCE_CURRENCY] })`).
   */
  refine?: (document: OpenAPIObject) => void;
}

/** Path of the OpenAPI document. */
export const OPENAPI_JSON_PATH = '/docs/openapi.json';

/**
 * Builds the service's OpenAPI 3.1.0 document (@nestjs/swagger 12 emits 3.1 natively when asked)
 * and serves it at `/docs/openapi.json`, with Swagger UI at `/docs`. Zod schemas declared on
 * handler parameters (`@Body({ schema })`) and responses (`ApiZodResponse`) are converted to
 * JSON Schema 2020-12; those with `.meta({ id })` become named components. Every operation
 * documents a 500 `application/problem+json` response; operations that need a bearer token a 401;
 * `ApiPublic()` operations say `security: []`. The domain error codes of `domainErrors` are
 * enumerated per status: a problem response of status 409 refers to `Problem409`, the problem
 * schema whose `code` is one of the codes mapped to 409.
 *
 * @returns the document, e.g. to write it to `docs/` in CI.
 */
export function setupOpenApi(
  app: INestApplication,
  options: OpenApiOptions,
  domainErrors: DomainErrorMapping = {},
): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(options.title)
    .setVersion(options.version)
    .setDescription(options.description ?? '')
    .addGlobalResponse({
      status: 500,
      description: 'Unexpected error',
      content: { [PROBLEM_JSON]: { schema: problemDetailsRef } },
    });
  for (const tag of options.tags ?? []) builder.addTag(tag.name, tag.description);
  if (options.bearerAuth !== false) {
    builder
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addSecurityRequirements('bearer');
  }
  const document = SwaggerModule.createDocument(app, builder.build(), {
    standardSchemaConverter: (schema, { schemaType }) =>
      schema instanceof z.ZodType ? zodToOpenApiSchema(schema, schemaType) : undefined,
  });
  document.components = {
    ...document.components,
    schemas: {
      ...(zodBodyComponents as NonNullable<OpenAPIObject['components']>['schemas']),
      ...document.components?.schemas,
      [PROBLEM_DETAILS_COMPONENT]: problemDetailsJsonSchema as object,
    },
  };
  documentValidationProblems(document);
  documentSecurity(document);
  documentErrorCodes(document, domainErrors);
  options.refine?.(document);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    raw: ['json'],
    customSiteTitle: `${options.title} API`,
  });
  return document;
}

// Operations that take input can answer the 400 validation problem: say so where a handler did not.
function documentValidationProblems(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = pathItem[method];
      if (!operation || (!operation.requestBody && !operation.parameters?.length)) continue;
      operation.responses['400'] ??= {
        description: 'Invalid request (validation problem)',
        content: { [PROBLEM_JSON]: { schema: problemDetailsRef } },
      };
    }
  }
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

// Public operations (`ApiPublic()`, platform-auth's `Public()`) say `security: []`; every operation
// that needs a bearer token documents the 401 problem it answers without one.
function documentSecurity(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      if (operation.security?.every((requirement) => Object.keys(requirement).length === 0)) operation.security = [];
      const security = operation.security ?? document.security ?? [];
      if (security.length > 0) {
        operation.responses['401'] ??= {
          description: 'Missing, malformed, expired or otherwise invalid bearer token',
          content: { [PROBLEM_JSON]: { schema: problemDetailsRef } },
        };
      }
    }
  }
}

/**
 * Merges `patch` into every property called `name` of every schema in `document` (components,
 * parameters, request and response bodies, at any depth), e.g. to say which currency a deployment
 * takes: `restrictSchemaProperty(doc, 'currency', { enum: ['USD'] })`.
 * @returns how many properties were changed.
 */
export function restrictSchemaProperty(document: OpenAPIObject, name: string, patch: Record<string, unknown>): number {
  let changed = 0;
  const seen = new Set<object>();
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) return node.forEach(visit);
    const properties = (node as { properties?: unknown }).properties;
    if (typeof properties === 'object' && properties !== null && name in properties) {
      const target = (properties as Record<string, unknown>)[name];
      if (typeof target === 'object' && target !== null && !('$ref' in target)) {
        Object.assign(target, patch);
        changed++;
      }
    }
    Object.values(node).forEach(visit);
  };
  visit(document.paths);
  visit(document.components);
  return changed;
}

// Each problem response whose status some domain error code maps to gets a schema enumerating
// those codes (`Problem409`: ProblemDetails whose `code`, when present, is one of them).
function documentErrorCodes(document: OpenAPIObject, domainErrors: DomainErrorMapping): void {
  const codesByStatus = new Map<number, string[]>();
  for (const [code, target] of Object.entries(domainErrors)) {
    const status = typeof target === 'number' ? target : target.status;
    codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code].sort());
  }
  const schemas = (document.components ??= {}).schemas ?? (document.components.schemas = {});
  for (const [status, codes] of codesByStatus) {
    schemas[`Problem${status}`] = {
      allOf: [problemDetailsRef],
      type: 'object',
      description: `A ${status} problem; \`code\` names the domain rule when one refused the request.`,
      properties: { code: { type: 'string', enum: codes } },
      examples: [
        {
          type: problemTypeUri(codes[0]!),
          title: STATUS_CODES[status] ?? 'Problem',
          status,
          detail: `Refused by the rule ${codes[0]}.`,
          code: codes[0],
          requestId: '5d1c7e0a-2b4f-4c6d-8e9f-0a1b2c3d4e5f',
        },
      ],
    } as never;
  }
  for (const pathItem of Object.values(document.paths)) {
    for (const method of METHODS) {
      for (const [status, response] of Object.entries(pathItem[method]?.responses ?? {})) {
        const media = (response as { content?: Record<string, { schema?: unknown }> }).content?.[PROBLEM_JSON];
        if (!media || !codesByStatus.has(Number(status))) continue;
        if ((media.schema as { $ref?: string } | undefined)?.$ref !== problemDetailsRef.$ref) continue;
        media.schema = { $ref: `#/components/schemas/Problem${status}` };
      }
    }
  }
}
