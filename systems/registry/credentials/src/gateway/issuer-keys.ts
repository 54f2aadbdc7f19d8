import { ConfigError } from '@archipelago/platform-config';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Signature algorithm of every credential (RFC 7518 §3.4: ECDSA P-256 with SHA-256). */
export const ISSUER_ALG = 'ES256';

/** File holding the private JWK Set inside the keys dir: `{ "keys": [current, ...older] }`, mode 0600. */
export const ISSUER_KEYS_FILE = 'issuer-keys.json';

/** One P-256 key: `kid` is its RFC 7638 JWK thumbprint. `privateKey` only for the current key. */
export interface IssuerKey {
  readonly kid: string;
  readonly privateKey: webcrypto.CryptoKey;
  /** Public JWK (kty, crv, x, y, kid, alg). */
  readonly publicJwk: JWK;
}

/**
 * The issuer's keys: `current` signs; `older` keys (after rotations) are kept, never used to sign,
 * so that credentials signed by them keep verifying (a credential outlives a key).
 */
export interface IssuerKeyRing {
  readonly current: IssuerKey;
  readonly older: readonly IssuerKey[];
}

/** Where keys come from: `CREDENTIALS_ISSUER_KEYS` (JSON), else `CREDENTIALS_KEYS_DIR`, else the local default dir. */
export interface IssuerKeySource {
  readonly production: boolean;
  readonly keysJson?: string;
  readonly keysDir?: string;
}

/** The local default keys dir: `<workspace>/.data/registry/credentials/keys` (git-ignored), or undefined outside a workspace. */
export function defaultIssuerKeysDir(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return join(dir, '.data', 'registry', 'credentials', 'keys');
    if (dirname(dir) === dir) return undefined;
  }
}

async function newPrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ISSUER_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: ISSUER_ALG };
}

async function toKey(jwk: JWK, origin: string): Promise<IssuerKey> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.x || !jwk.y) {
    throw new ConfigError([`${origin} must hold EC P-256 private JWKs (kty EC, crv P-256, d, x, y)`]);
  }
  const { d: _d, ...pub } = jwk;
  const kid = jwk.kid ?? (await calculateJwkThumbprint({ kty: pub.kty, crv: pub.crv, x: pub.x, y: pub.y }));
  const privateKey = (await importJWK({ ...jwk, alg: ISSUER_ALG }, ISSUER_ALG)) as webcrypto.CryptoKey;
  return { kid, privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y, kid, alg: ISSUER_ALG } };
}

async function ringOf(parsed: unknown, origin: string): Promise<IssuerKeyRing> {
  const list = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigError([`${origin} must be a JWK Set {"keys":[current, ...older]}`]);
  }
  const [current, ...older] = await Promise.all(list.map((k) => toKey(k as JWK, origin)));
  return { current: current!, older };
}

async function writePrivate(dir: string, keys: JWK[]): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const tmp = join(dir, `${ISSUER_KEYS_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify({ keys }, null, 2), { mode: 0o600 });
  await rename(tmp, join(dir, ISSUER_KEYS_FILE));
}

/**
 * Loads the issuer's key ring.
 * - `CREDENTIALS_ISSUER_KEYS`: a JSON JWK Set of private EC P-256 keys, current first (Kubernetes: a Secret).
 * - `CREDENTIALS_KEYS_DIR` (or, in local mode only, the default dir): `issuer-keys.json` inside it.
 *   Local mode creates the dir (0700) and a first key (file 0600) when missing; production never
 *   generates keys.
 * @throws ConfigError when production has no keys or the keys are malformed
 */
export async function loadIssuerKeys(source: IssuerKeySource): Promise<IssuerKeyRing> {
  if (source.keysJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source.keysJson);
    } catch {
      throw new ConfigError(['CREDENTIALS_ISSUER_KEYS must be JSON (a JWK Set with private keys)']);
    }
    return ringOf(parsed, 'CREDENTIALS_ISSUER_KEYS');
  }
  const dir = source.keysDir ?? (source.production ? undefined : defaultIssuerKeysDir());
  if (!dir) {
    throw new ConfigError([
      source.production
        ? 'CREDENTIALS_ISSUER_KEYS or CREDENTIALS_KEYS_DIR is required when NODE_ENV is production (keys are never generated there)'
        : 'CREDENTIALS_KEYS_DIR is required: no workspace found for the local default',
    ]);
  }
  const file = join(dir, ISSUER_KEYS_FILE);
  if (!existsSync(file)) {
    if (source.production) {
      throw new ConfigError([`CREDENTIALS_KEYS_DIR holds no ${ISSUER_KEYS_FILE} (production never generates keys)`]);
    }
    await writePrivate(dir, [await newPrivateJwk()]);
  }
  return ringOf(JSON.parse(await readFile(file, 'utf8')), `CREDENTIALS_KEYS_DIR/${ISSUER_KEYS_FILE}`);
}

/**
 * Rotation in a keys dir: a new key becomes current; every earlier key stays (listed in the DID
 * document, so credentials they signed keep verifying). Running services pick it up on restart.
 * Returns the new `kid` and the number of older keys.
 */
export async function rotateIssuerKeys(dir: string): Promise<{ current: string; older: number }> {
  const file = join(dir, ISSUER_KEYS_FILE);
  const existing: JWK[] = existsSync(file)
    ? ((JSON.parse(await readFile(file, 'utf8')) as { keys?: JWK[] }).keys ?? [])
    : [];
  const next = await newPrivateJwk();
  await writePrivate(dir, [next, ...existing]);
  return { current: next.kid!, older: existing.length };
}
