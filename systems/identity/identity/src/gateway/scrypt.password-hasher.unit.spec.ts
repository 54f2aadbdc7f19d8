import { describe, expect, it } from 'vitest';
import { ScryptPasswordHasher } from './scrypt.password-hasher.js';

// Low cost keeps the unit suite fast; the format and the checks are the same at any cost.
const hasher = new ScryptPasswordHasher({ logN: 10, r: 8, p: 1 });

describe('ScryptPasswordHasher', () => {
  it('verifies the right password only, with a fresh salt per hash and no clear text in the hash', async () => {
    const a = await hasher.hash('correct horse');
    const b = await hasher.hash('correct horse');
    expect(a).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await hasher.verify('correct horse', a)).toBe(true);
    expect(await hasher.verify('correct horsf', a)).toBe(false);
  });

  it('answers false for an unknown account (no hash) and for a malformed hash', async () => {
    expect(await hasher.verify('anything', undefined)).toBe(false);
    expect(await hasher.verify('anything', 'plain-text')).toBe(false);
  });
});
