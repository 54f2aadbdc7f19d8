import { describe, expect, it } from 'vitest';
import { incompatibilities, type JsonSchema } from './schema-compat.js';

const v1: JsonSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, n: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
  required: ['id', 'n'],
};

describe('event schema compatibility rules', () => {
  it('accepts the same schema and a new optional property', () => {
    expect(incompatibilities(v1, v1)).toEqual([]);
    expect(incompatibilities(v1, { ...v1, properties: { ...v1.properties, note: { type: 'string' } } })).toEqual([]);
  });
  it('rejects a removed, a no-longer-required and a retyped property', () => {
    expect(incompatibilities(v1, { ...v1, properties: { id: { type: 'string' } }, required: ['id'] })).toEqual([
      { path: '$.n', problem: 'required property removed' },
    ]);
    expect(incompatibilities(v1, { ...v1, required: ['id'] })).toEqual([
      { path: '$.n', problem: 'required property became optional' },
    ]);
    expect(
      incompatibilities(v1, { ...v1, properties: { ...v1.properties, n: { type: 'string' } } })[0]!.problem,
    ).toMatch(/type changed/);
  });
  it('rejects a new required property, a changed enum and a change inside array items', () => {
    expect(
      incompatibilities(v1, {
        ...v1,
        properties: { ...v1.properties, x: { type: 'string' } },
        required: ['id', 'n', 'x'],
      }),
    ).toEqual([{ path: '$.x', problem: 'new required property' }]);
    expect(incompatibilities({ enum: ['a', 'b'] }, { enum: ['a'] })[0]!.problem).toMatch(/enum changed/);
    expect(
      incompatibilities(v1, {
        ...v1,
        properties: { ...v1.properties, tags: { type: 'array', items: { type: 'number' } } },
      })[0]!.path,
    ).toBe('$.tags[]');
  });
});
