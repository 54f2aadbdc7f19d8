import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationProblemException } from '../problem/problem-details.js';
import { toJsonPointer, ZodValidationPipe } from './zod-validation.pipe.js';

const Body = z.object({ items: z.array(z.object({ sku: z.string().min(1), 'a/b~c': z.number() })) }).strict();

describe('ZodValidationPipe', () => {
  it('returns the parsed value', async () => {
    const pipe = new ZodValidationPipe();
    const schema = z.object({ limit: z.coerce.number().default(20) });
    await expect(pipe.transform({}, { type: 'query', schema })).resolves.toEqual({ limit: 20 });
  });

  it('passes values without a schema through', async () => {
    await expect(new ZodValidationPipe().transform('x', { type: 'body' })).resolves.toBe('x');
  });

  it('points at each bad body member, escaping per RFC 6901', async () => {
    const error = await new ZodValidationPipe(Body)
      .transform(
        {
          items: [
            { sku: 'a', 'a/b~c': 1 },
            { sku: '', 'a/b~c': 'x' },
          ],
          extra: 1,
        },
        { type: 'body' },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationProblemException);
    const pointers = (error as ValidationProblemException).errors.map((e) => e.pointer).sort();
    expect(pointers).toEqual(['/extra', '/items/1/a~1b~0c', '/items/1/sku']);
  });

  it('names the parameter for query and path values', async () => {
    const schema = z.object({ page: z.coerce.number().int() });
    const error = (await new ZodValidationPipe()
      .transform({ page: 'x' }, { type: 'query', schema })
      .catch((e: unknown) => e)) as ValidationProblemException;
    expect(error.errors).toEqual([{ parameter: 'page', detail: expect.any(String) }]);
  });

  it('points at the whole body when it is missing', async () => {
    const error = (await new ZodValidationPipe(Body)
      .transform(undefined, { type: 'body' })
      .catch((e: unknown) => e)) as ValidationProblemException;
    expect(error.errors).toEqual([{ pointer: '', detail: expect.any(String) }]);
  });
});

describe('toJsonPointer', () => {
  it('builds RFC 6901 pointers', () => {
    expect(toJsonPointer(['price', 'amount'])).toBe('/price/amount');
    expect(toJsonPointer([])).toBe('');
    expect(toJsonPointer(['a~b', 'c/d', 0])).toBe('/a~0b/c~1d/0');
  });
});
