import type { OpenAPIObject } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import { openApiGaps } from './openapi-gaps.js';

const json = (schema: object, extra: object = {}) => ({ content: { 'application/json': { schema, ...extra } } });

describe('openApiGaps', () => {
  it('names each operation without a description and each body without an example', () => {
    const document = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/things': {
          post: {
            summary: 'Create a thing',
            requestBody: json({ type: 'object' }),
            responses: { '201': { description: 'Created', ...json({ $ref: '#/components/schemas/Thing' }) } },
          },
          get: {
            description: 'Lists things.',
            responses: {
              '200': { description: 'OK', ...json({ type: 'array' }, { example: [] }) },
              '204': { description: 'No content' },
              '409': { description: 'Conflict', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem409' } } } },
            },
          },
        },
        '/things/{id}': {
          put: {
            description: ' ',
            requestBody: json({ type: 'object' }, { examples: { one: { value: {} } } }),
            responses: { '200': { description: 'OK', ...json({ $ref: '#/components/schemas/Listed' }) } },
          },
        },
      },
      components: {
        schemas: {
          Thing: { type: 'object' },
          Listed: { type: 'object', examples: [{}] },
          Problem: { type: 'object', examples: [{ status: 409 }] },
          Problem409: { allOf: [{ $ref: '#/components/schemas/Problem' }], type: 'object' },
        },
      },
    } as unknown as OpenAPIObject;
    expect(openApiGaps(document)).toEqual([
      'POST /things: no description',
      'POST /things request application/json: no example',
      'POST /things 201 application/json: no example',
      'PUT /things/{id}: no description',
    ]);
  });

  it('is empty for a complete document', () => {
    const document = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: { '/a': { get: { description: 'A.', responses: { '200': { description: 'OK', ...json({ examples: ['a'] }) } } } } },
    } as unknown as OpenAPIObject;
    expect(openApiGaps(document)).toEqual([]);
  });
});
