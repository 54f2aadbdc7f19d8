import type { OpenAPIObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

type Json = Record<string, unknown>;

/**
 * What an OpenAPI 3.1 document of this platform must say and does not: one line per gap, e.g.
 * `POST /commerce/v1/orders: no description` or
 * `GET /commerce/v1/orders/{id} 200 application/json: no example`. Empty when the document is complete.
 *
 * Checked: every operation has a non-empty `description` (a `summary` alone is not enough); every
 * request and response body with a schema carries an example — `example` or `examples` on the media
 * type, or `examples` on its schema, the schema it `$ref`s (`#/components/schemas/…`) or one of its
 * `allOf` members. Whether an operation is public (`security: []`) cannot be read from the document
 * alone; the services' e2e test checks that against the running service.
 */
export function openApiGaps(document: OpenAPIObject): string[] {
  const gaps: string[] = [];
  const components = (document.components?.schemas ?? {}) as Record<string, unknown>;
  for (const [path, pathItem] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (pathItem as Record<string, unknown>)[method] as Json | undefined;
      if (!operation) continue;
      const name = `${method.toUpperCase()} ${path}`;
      if (typeof operation.description !== 'string' || operation.description.trim() === '')
        gaps.push(`${name}: no description`);
      const body = operation.requestBody as { content?: Record<string, Json> } | undefined;
      for (const [type, media] of Object.entries(body?.content ?? {})) {
        if (media.schema && !hasExample(media, components)) gaps.push(`${name} request ${type}: no example`);
      }
      for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, Json>)) {
        const content = (response.content ?? {}) as Record<string, Json>;
        for (const [type, media] of Object.entries(content)) {
          if (media.schema && !hasExample(media, components)) gaps.push(`${name} ${status} ${type}: no example`);
        }
      }
    }
  }
  return gaps;
}

function hasExample(media: Json, components: Record<string, unknown>): boolean {
  if (media.example !== undefined) return true;
  if (media.examples && Object.keys(media.examples as object).length > 0) return true;
  return schemaHasExample(media.schema, components, new Set());
}

function schemaHasExample(schema: unknown, components: Record<string, unknown>, seen: Set<unknown>): boolean {
  if (typeof schema !== 'object' || schema === null || seen.has(schema)) return false;
  seen.add(schema);
  const node = schema as Json;
  if (Array.isArray(node.examples) ? node.examples.length > 0 : node.example !== undefined) return true;
  const ref = typeof node.$ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(node.$ref)?.[1] : undefined;
  if (ref !== undefined && schemaHasExample(components[ref], components, seen)) return true;
  const allOf = Array.isArray(node.allOf) ? node.allOf : [];
  return allOf.some((member) => schemaHasExample(member, components, seen));
}
