import { ConfigError } from '@archipelago/platform-config';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Signature algorithm of every access token (RFC 7518 §3.4: ECDSA P-256 with SHA-256). */
export const SIGNING_ALG = 'ES256';

/** File holding the private JWK Set inside the keys dir: `{ "keys": [current, previous?] }`, mode 0600. */
export const SIGNING_KEYS_FILE = 'signing-keys.json';

/** One ES256 key pair: `kid` is its RFC 7638 JWK thumbprint. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: webcrypto.CryptoKey;
  /** Public JWK with `kid`, `alg`, `use`: what JWKS publishes. */
  readonly publicJwk: JWK;
}

/** The keys in use: `current` signs; `previous` (after a rotation) still verifies. */
export interface SigningKeyRing {
  readonly current: SigningKey;
  readonly previous?: SigningKey;
}

/** Where keys come from, in order: `IDENTITY_SIGNING_KEYS` (JSON), else `IDENTITY_KEYS_DIR`, else the local default dir. */
export interface SigningKeySource {
  readonly production: boolean;
  readonly signingKeysJson?: string;
  readonly keysDir?: string;
  readonly defaultKeysDir?: string;
}

async function newPrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: SIGNING_ALG, use: 'sig' };
}

async function toSigningKey(jwk: JWK, origin: string): Promise<SigningKey> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.x || !jwk.y) {
    throw new ConfigError([`${origin} must hold EC P-256 private JWKs (kty EC, crv P-256, d, x, y)`]);
  }
  const { d: _d, ...pub } = jwk;
  const kid = jwk.kid ?? (await calculateJwkThumbprint(pub));
  const privateKey = (await importJWK({ ...jwk, alg: SIGNING_ALG }, SIGNING_ALG)) as webcrypto.CryptoKey;
  return {
    kid,
    privateKey,
    publicJwk: { kty: pub.kty, crv: pub.crv, x: pub.x, y: pub.y, kid, alg: SIGNING_ALG, use: 'sig' },
  };
}

async function ringOf(keys: unknown, origin: string): Promise<SigningKeyRing> {
  const list = (keys as { keys?: unknown })?.keys;
  if (!Array.isArray(list) || list.length === 0)
    throw new ConfigError([`${origin} must be a JWK Set {"keys":[current, previous?]}`]);
  const [current, previous] = await Promise.all(list.slice(0, 2).map((k) => toSigningKey(k as JWK, origin)));
  return { current: current!, ...(previous && { previous }) };
}

async function writePrivate(dir: string, keys: JWK[]): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const tmp = join(dir, `${SIGNING_KEYS_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify({ keys }, null, 2), { mode: 0o600 });
  await rename(tmp, join(dir, SIGNING_KEYS_FILE));
}

/**
 * Loads the signing key ring.
 * - `IDENTITY_SIGNING_KEYS`: a JSON JWK Set of private EC P-256 keys, current first.
 * - `IDENTITY_KEYS_DIR` (or, in local mode only, the default dir): `signing-keys.json` inside it.
 *   Local mode creates the dir (0700) and a first key (file 0600) when missing; production never
 *   generates keys.
 * @throws ConfigError naming the variable when production has no keys or the keys are malformed
 */
export async function loadSigningKeys(source: SigningKeySource): Promise<SigningKeyRing> {
  if (source.signingKeysJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source.signingKeysJson);
    } catch {
      throw new ConfigError(['IDENTITY_SIGNING_KEYS must be JSON (a JWK Set with private keys)']);
    }
    return ringOf(parsed, 'IDENTITY_SIGNING_KEYS');
  }
  const dir = source.keysDir ?? (source.production ? undefined : source.defaultKeysDir);
  if (!dir) {
    throw new ConfigError([
      source.production
        ? 'IDENTITY_SIGNING_KEYS or IDENTITY_KEYS_DIR is required when NODE_ENV is production (keys are never generated there)'
        : 'IDENTITY_KEYS_DIR is required: no workspace found for the local default',
    ]);
  }
  const file = join(dir, SIGNING_KEYS_FILE);
  if (!existsSync(file)) {
    if (source.production)
      throw new ConfigError([`IDENTITY_KEYS_DIR holds no ${SIGNING_KEYS_FILE} (production never generates keys)`]);
    await writePrivate(dir, [await newPrivateJwk()]);
  }
  return ringOf(JSON.parse(await readFile(file, 'utf8')), `IDENTITY_KEYS_DIR/${SIGNING_KEYS_FILE}`);
}

/**
 * Rotation in a keys dir: a new key becomes current, the old current becomes previous (still in
 * JWKS so live tokens keep verifying), the one before is dropped. Running services pick it up on
 * restart. Returns the new and the previous `kid`.
 */
export async function rotateSigningKeys(dir: string): Promise<{ current: string; previous?: string }> {
  const file = join(dir, SIGNING_KEYS_FILE);
  const existing: JWK[] = existsSync(file)
    ? ((JSON.parse(await readFile(file, 'utf8')) as { keys: JWK[] }).keys ?? [])
    : [];
  const next = await newPrivateJwk();
  await writePrivate(dir, [next, ...existing.slice(0, 1)]);
  return { current: next.kid!, ...(existing[0]?.kid && { previous: existing[0].kid }) };
}
