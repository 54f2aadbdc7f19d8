import { describe, expect, it } from 'vitest';
import { EnvelopeOpenError, newKey, open, seal } from './envelope.js';

describe('AES-256-GCM envelope', () => {
  const key = newKey();
  const plaintext = Buffer.from('{"nationalId":"NID-1"}');

  it('opens what it sealed, with a fresh nonce each time (equal plaintexts do not give equal envelopes)', () => {
    const a = seal(key, plaintext, 'entity:1:v1');
    const b = seal(key, plaintext, 'entity:1:v1');
    expect(a).not.toEqual(b);
    expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(a).not.toContain('NID');
    expect(open(key, a, 'entity:1:v1')).toEqual(plaintext);
  });

  it('refuses another key, other associated data, an altered byte or a malformed envelope', () => {
    const sealed = seal(key, plaintext, 'entity:1:v1');
    expect(() => open(newKey(), sealed, 'entity:1:v1')).toThrow(EnvelopeOpenError);
    expect(() => open(key, sealed, 'entity:2:v1')).toThrow(EnvelopeOpenError);
    const [v, iv, ct, tag] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => open(key, [v, iv, flipped.toString('base64url'), tag].join('.'), 'entity:1:v1')).toThrow(
      EnvelopeOpenError,
    );
    expect(() => open(key, 'v2.a.b.c', 'entity:1:v1')).toThrow(EnvelopeOpenError);
    expect(() => seal(Buffer.alloc(16), plaintext, '')).toThrow(RangeError);
  });
});
