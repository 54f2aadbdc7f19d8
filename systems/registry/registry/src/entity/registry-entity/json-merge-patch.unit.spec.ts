import { describe, expect, it } from 'vitest';
import { applyMergePatch, changedPointers, jsonEqual, type JsonValue } from './json-merge-patch.js';

describe('applyMergePatch (RFC 7396)', () => {
  // RFC 7396 Appendix A, every example.
  it.each<[JsonValue, JsonValue, JsonValue]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('given %j, when patched with %j, then %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('changes neither the target nor the patch', () => {
    const target = { a: { b: 1 } };
    const patch = { a: { b: null, c: 2 } };
    applyMergePatch(target, patch);
    expect(target).toEqual({ a: { b: 1 } });
    expect(patch).toEqual({ a: { b: null, c: 2 } });
  });
});

describe('changedPointers', () => {
  it('lists added, removed and changed members as JSON Pointers, descending into objects only', () => {
    expect(
      changedPointers(
        { name: 'A', contact: { email: 'a@x', phone: '1' }, tags: ['x'], 'a/b': 1 },
        { name: 'A', contact: { email: 'b@x' }, tags: ['x', 'y'], 'a/b': 2, grade: 3 },
      ),
    ).toEqual(['/contact/email', '/contact/phone', '/tags', '/a~1b', '/grade']);
  });

  it('is empty for equal values, whatever the member order', () => {
    expect(changedPointers({ a: 1, b: { c: [1, { d: 2 }] } }, { b: { c: [1, { d: 2 }] }, a: 1 })).toEqual([]);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  });
});
