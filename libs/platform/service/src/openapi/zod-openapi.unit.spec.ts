import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodToOpenApiSchema } from './zod-openapi.decorators.js';

const properties = (schema: z.ZodType, io: 'input' | 'output' = 'input') =>
  (zodToOpenApiSchema(schema, io).schema as { properties: Record<string, Record<string, unknown>> }).properties;

describe('zodToOpenApiSchema', () => {
  it('says in a pattern that input strings refuse U+0000, and that trimmed ones need a non-blank character', () => {
    const props = properties(
      z.object({
        note: z.string().max(10),
        name: z.string().trim().min(1).max(200),
        sku: z.string().regex(/^[A-Z]+$/),
        id: z.uuid(),
        lower: z.string().toLowerCase().min(1),
      }),
    );
    expect(props.note).toEqual({ type: 'string', maxLength: 10, pattern: '^[^\\u0000]*$' });
    expect(props.name).toMatchObject({ pattern: '^[^\\u0000]*[^\\s\\ufeff\\u0000][^\\u0000]*$' });
    expect(props.sku!.pattern).toBe('^[A-Z]+$');
    expect(props.id).not.toHaveProperty('pattern', '^[^\\u0000]*$');
    expect(props.lower!.pattern).toBe('^[^\\u0000]*$');
    const name = new RegExp(props.name!.pattern as string);
    expect(['a', ' a ', '\ta\t'].every((s) => name.test(s))).toBe(true);
    expect(['', ' ', '\t\n', '\ufeff', 'a\u0000'].some((s) => name.test(s))).toBe(false);
  });

  it('leaves output schemas alone', () => {
    expect(properties(z.object({ note: z.string() }), 'output').note).toEqual({ type: 'string' });
  });
});
