import { describe, expect, it } from 'vitest';
import { findUnstorableString, unstorableReason } from './unstorable-string.js';

describe('unstorableReason', () => {
  it.each([
    ['plain', undefined],
    ['emoji 😀 (a surrogate pair)', undefined],
    ['A\u0000B', 'nul'],
    ['lone high \ud800', 'unpaired-surrogate'],
    ['lone low \udc00 first', 'unpaired-surrogate'],
    ['reversed \udc00\ud800', 'unpaired-surrogate'],
  ])('%j → %s', (text, reason) => {
    expect(unstorableReason(text)).toBe(reason);
  });
});

describe('findUnstorableString', () => {
  it('points at the first bad member at any depth', () => {
    const body = { name: 'ok', items: [{ sku: 'a' }, { sku: 'b', note: 'x\u0000y' }] };
    expect(findUnstorableString(body)).toEqual({
      pointer: '/items/1/note',
      reason: 'nul',
      message: 'must not contain the NUL character (U+0000)',
    });
  });

  it('checks object keys, escaping the pointer per RFC 6901 and showing the bad character as an escape', () => {
    expect(findUnstorableString({ 'a/b~\u0000': 1 })?.pointer).toBe('/a~1b~0\\u0000');
  });

  it('checks a bare string and prefixes the base path', () => {
    expect(findUnstorableString('\ud83d', ['query', 'q'])).toMatchObject({
      pointer: '/query/q',
      reason: 'unpaired-surrogate',
    });
  });

  it('accepts clean values, numbers, nulls, buffers and cycles', () => {
    const cyclic: Record<string, unknown> = { a: 'x' };
    cyclic.self = cyclic;
    expect(findUnstorableString({ n: 1, z: null, b: Buffer.from([0]), c: cyclic, e: '😀' })).toBeUndefined();
  });

  it('walks a very deep document without overflowing the stack', () => {
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableString(deep)?.reason).toBe('nul');
  });
});
