import { describe, expect, it } from 'vitest';
import { decideActivation } from './entity-activation.js';

describe('decideActivation', () => {
  it('applies the first activation change of an entity', () => {
    expect(decideActivation(undefined, { version: 2 })).toBe('apply');
  });
  it('applies a change newer than the last applied one', () => {
    expect(decideActivation({ version: 2, deactivated: true }, { version: 3 })).toBe('apply');
  });
  it('ignores an older change delivered late (the two events travel on two topics) and the same version again', () => {
    expect(decideActivation({ version: 3, deactivated: false }, { version: 2 })).toBe('stale');
    expect(decideActivation({ version: 3, deactivated: false }, { version: 3 })).toBe('stale');
  });
});
