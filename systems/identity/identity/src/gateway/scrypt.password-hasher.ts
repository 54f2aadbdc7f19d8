import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasherPort } from '../use-case/port/password-hasher.port.js';

/** scrypt cost: N = 2^logN, block size r, parallelism p (RFC 7914). */
export interface ScryptCost {
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

/** N = 2^15, r = 8, p = 1: 32 MiB and ~50–100 ms per hash on a server core (OWASP Password Storage Cheat Sheet minimum is N = 2^17 at 128 MiB; 2^15 × r 8 is its listed equivalent trade-off for constrained hosts). */
export const DEFAULT_SCRYPT_COST: ScryptCost = { logN: 15, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** cost.logN,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * 2 ** cost.logN * cost.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) =>
    scrypt(secret.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * Password hashing with scrypt from node:crypto (RFC 7914), a random 128-bit salt per hash and a
 * constant-time compare. Hash format: `scrypt$<logN>$<r>$<p>$<salt b64url>$<key b64url>`, so the
 * cost can grow later without invalidating stored hashes. Secrets are NFKC-normalised first, so
 * the same password typed on two keyboards matches.
 */
export class ScryptPasswordHasher implements PasswordHasherPort {
  private readonly dummy: Promise<string>;

  constructor(private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST) {
    // Compared against for unknown accounts, so they cost the same work as known ones.
    this.dummy = this.hash(randomBytes(16).toString('hex'));
  }

  async hash(secret: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(secret, salt, this.cost);
    const { logN, r, p } = this.cost;
    return ['scrypt', logN, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  async verify(secret: string, hash: string | undefined): Promise<boolean> {
    const parsed = hash === undefined ? undefined : parseHash(hash);
    const target = parsed ?? parseHash(await this.dummy)!;
    const key = await derive(secret, target.salt, target.cost);
    const equal = key.length === target.key.length && timingSafeEqual(key, target.key);
    return parsed !== undefined && equal;
  }
}

/** Parses the format above; `undefined` for anything else (or an absurd cost). */
export function parseHash(hash: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 16)
    return undefined;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 16 || key.length < 16) return undefined;
  return { cost: { logN, r, p }, salt, key };
}
