import { describe, expect, it } from 'vitest';
import { blake3 } from './blake3.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('blake3', () => {
  it('matches the official BLAKE3 test vector for the empty input', () => {
    // https://github.com/BLAKE3-team/BLAKE3/blob/master/test_vectors/test_vectors.json (input_len 0)
    expect(hex(blake3(new Uint8Array()))).toBe('af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
  });

  it('hashes a string as its UTF-8 bytes', () => {
    expect(hex(blake3('Café'))).toBe(hex(blake3(new TextEncoder().encode('Café'))));
  });

  it('gives shorter outputs as a prefix of the extendable output', () => {
    expect(hex(blake3('abc', 16))).toBe(hex(blake3('abc')).slice(0, 32));
    expect(blake3('abc', 64)).toHaveLength(64);
  });
});
