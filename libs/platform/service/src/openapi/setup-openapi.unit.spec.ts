import type { OpenAPIObject } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import { restrictSchemaProperty } from './setup-openapi.js';

describe('restrictSchemaProperty', () => {
  it('patches every property of that name, in components and inline bodies, and leaves $refs alone', () => {
    const document = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/deposits': {
          post: {
            requestBody: {
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { amount: { type: 'object', properties: { currency: { type: 'string' } } } } },
                },
              },
            },
            responses: {},
          },
        },
      },
      components: {
        schemas: {
          Money: { type: 'object', properties: { currency: { type: 'string', pattern: '^[A-Z]{3}$' } } },
          Other: { type: 'object', properties: { currency: { $ref: '#/components/schemas/Currency' } } },
        },
      },
    } as unknown as OpenAPIObject;
    expect(restrictSchemaProperty(document, 'currency', { enum: ['USD'] })).toBe(2);
    const schemas = document.components!.schemas as Record<string, { properties: Record<string, object> }>;
    expect(schemas.Money!.properties.currency).toEqual({ type: 'string', pattern: '^[A-Z]{3}$', enum: ['USD'] });
    expect(schemas.Other!.properties.currency).toEqual({ $ref: '#/components/schemas/Currency' });
    expect(JSON.stringify(document.paths)).toContain('"currency":{"type":"string","enum":["USD"]}');
  });
});
