import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM (NIST SP 800-38D): 32-byte keys, 96-bit random nonces, 128-bit tags. */
export const ENVELOPE_ALG = 'A256GCM';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Version prefix of the compact form; bump when the format changes. */
const PREFIX = 'v1';

/** Thrown when a sealed value does not open: wrong key, wrong associated data, or altered bytes. */
export class EnvelopeOpenError extends Error {
  constructor(reason: string) {
    super(`sealed value does not open: ${reason}`);
    this.name = 'EnvelopeOpenError';
  }
}

/** A new random 256-bit key (a data key or a key-encryption key). */
export const newKey = (): Buffer => randomBytes(KEY_BYTES);

/**
 * Encrypts `plaintext` with AES-256-GCM under `key`, binding `aad` (associated data, authenticated
 * but not encrypted: e.g. the entity id and event version, so a sealed value cannot be moved to
 * another entity or event). Compact form: `v1.<iv>.<ciphertext>.<tag>`, each base64url (RFC 4648 §5).
 * A fresh random nonce per call: at most 2^32 seals per key stay far below GCM's collision bound.
 * @throws RangeError when the key is not 32 bytes
 */
export function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  if (key.length !== KEY_BYTES) throw new RangeError(`AES-256-GCM needs a ${KEY_BYTES}-byte key`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [PREFIX, iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/**
 * Decrypts a value made by {@link seal} with the same key and associated data.
 * @throws EnvelopeOpenError when the form is wrong, or the key, the aad or a byte differs
 */
export function open(key: Buffer, sealed: string, aad: string): Buffer {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX) throw new EnvelopeOpenError('not a v1 envelope');
  const [iv, ciphertext, tag] = parts.slice(1).map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new EnvelopeOpenError('bad nonce or tag length');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new EnvelopeOpenError('authentication failed');
  }
}
