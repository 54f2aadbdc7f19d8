import { blake3 as nobleBlake3 } from '@noble/hashes/blake3.js';

/**
 * BLAKE3 digest (the BLAKE3 specification, default hash mode, no key) of `data`, via `@noble/hashes`.
 * Strings are hashed as their UTF-8 bytes, without any normalisation (callers normalise first).
 * @param data bytes, or a string taken as UTF-8
 * @param outputBytes digest length in bytes (BLAKE3 is an XOF; default 32)
 * @returns a new `Uint8Array` of `outputBytes` bytes
 */
export function blake3(data: Uint8Array | string, outputBytes = 32): Uint8Array {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return nobleBlake3(bytes, { dkLen: outputBytes });
}
