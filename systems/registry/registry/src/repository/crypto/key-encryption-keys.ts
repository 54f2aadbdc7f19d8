import { ConfigError } from '@archipelago/platform-config';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENVELOPE_ALG, newKey } from './envelope.js';

/** File holding the key-encryption keys inside REGISTRY_KEKS_DIR: a JWK Set, current first, mode 0600. */
export const KEKS_FILE = 'keks.json';

/** One key-encryption key (KEK): a 256-bit AES key and its id. */
export interface KeyEncryptionKey {
  /** RFC 7638-style id: base64url SHA-256 of the key's canonical JWK `{"k","kty"}`; never the key itself. */
  readonly kid: string;
  readonly key: Buffer;
}

/** The KEKs: `current` wraps new data keys; `older` ones only unwrap (until `rewrap-data-keys` has run). */
export interface KeyEncryptionKeyRing {
  readonly current: KeyEncryptionKey;
  readonly older: readonly KeyEncryptionKey[];
}

/** Finds a KEK of the ring by id. */
export const kekById = (ring: KeyEncryptionKeyRing, kid: string): KeyEncryptionKey | undefined =>
  [ring.current, ...ring.older].find((k) => k.kid === kid);

/** Where the KEKs come from (environment variables of the registry service). */
export interface KekSource {
  /** `NODE_ENV === 'production'`: keys are never generated. */
  readonly production: boolean;
  /** REGISTRY_KEKS: a JSON JWK Set of `oct` 256-bit keys, current first (Kubernetes: from a Secret). */
  readonly keksJson?: string;
  /** REGISTRY_KEKS_DIR: a dir holding {@link KEKS_FILE}. */
  readonly keksDir?: string;
}

/** The local default dir: `<workspace>/.data/registry/registry/keks` (git-ignored), or undefined outside a workspace. */
export function defaultKeksDir(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return join(dir, '.data', 'registry', 'registry', 'keks');
    if (dirname(dir) === dir) return undefined;
  }
}

/** The source named by the process environment (`REGISTRY_KEKS`, `REGISTRY_KEKS_DIR`, `NODE_ENV`). */
export function kekSourceFromEnv(env: NodeJS.ProcessEnv = process.env): KekSource {
  return {
    production: env['NODE_ENV'] === 'production',
    ...(env['REGISTRY_KEKS'] ? { keksJson: env['REGISTRY_KEKS'] } : {}),
    ...(env['REGISTRY_KEKS_DIR'] ? { keksDir: env['REGISTRY_KEKS_DIR'] } : {}),
  };
}

interface OctJwk {
  readonly kty: 'oct';
  readonly k: string;
  readonly kid?: string;
  readonly alg?: string;
}

const kidOf = (k: string): string =>
  createHash('sha256')
    .update(JSON.stringify({ k, kty: 'oct' }))
    .digest('base64url');

/** A new KEK as a JWK (`kty` oct, `alg` A256GCM, 32 random bytes). */
export function newKekJwk(): OctJwk {
  const k = newKey().toString('base64url');
  return { kty: 'oct', kid: kidOf(k), alg: ENVELOPE_ALG, k };
}

function ringOf(parsed: unknown, origin: string): KeyEncryptionKeyRing {
  const list = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigError([`${origin} must be a JWK Set {"keys":[current, ...older]}`]);
  }
  const keys = list.map((jwk: Partial<OctJwk>) => {
    const key = typeof jwk?.k === 'string' ? Buffer.from(jwk.k, 'base64url') : Buffer.alloc(0);
    if (jwk?.kty !== 'oct' || key.length !== 32) {
      throw new ConfigError([`${origin} must hold 256-bit symmetric JWKs (kty oct, k = 32 bytes base64url)`]);
    }
    return { kid: jwk.kid ?? kidOf(jwk.k!), key };
  });
  const [current, ...older] = keys;
  return { current: current!, older };
}

async function writeKeks(dir: string, keys: readonly OctJwk[], exclusive: boolean): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const tmp = join(dir, `${KEKS_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify({ keys }, null, 2), { mode: 0o600 });
  try {
    // link() fails when the file exists: two processes starting at once never both create a key.
    if (exclusive)
      await link(tmp, join(dir, KEKS_FILE)).catch((e: { code?: string }) => {
        if (e.code !== 'EEXIST') throw e;
      });
    else await rename(tmp, join(dir, KEKS_FILE));
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Loads the key-encryption keys.
 * - `REGISTRY_KEKS`: a JSON JWK Set of `oct` 256-bit keys, current first (Kubernetes: a Secret).
 * - else `REGISTRY_KEKS_DIR` (or, in local mode only, {@link defaultKeksDir}): {@link KEKS_FILE}
 *   inside it. Local mode creates the dir (0700) and a first key (file 0600) when missing;
 *   production never generates one.
 * @throws ConfigError when production has no keys or the keys are malformed
 */
export async function loadKeyEncryptionKeys(source: KekSource): Promise<KeyEncryptionKeyRing> {
  if (source.keksJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source.keksJson);
    } catch {
      throw new ConfigError(['REGISTRY_KEKS must be JSON (a JWK Set of oct keys)']);
    }
    return ringOf(parsed, 'REGISTRY_KEKS');
  }
  const dir = source.keksDir ?? (source.production ? undefined : defaultKeksDir());
  if (!dir) {
    throw new ConfigError([
      source.production
        ? 'REGISTRY_KEKS or REGISTRY_KEKS_DIR is required when NODE_ENV is production (keys are never generated there)'
        : 'REGISTRY_KEKS_DIR is required: no workspace found for the local default',
    ]);
  }
  const file = join(dir, KEKS_FILE);
  if (!existsSync(file)) {
    if (source.production)
      throw new ConfigError([`REGISTRY_KEKS_DIR holds no ${KEKS_FILE} (production never generates keys)`]);
    await writeKeks(dir, [newKekJwk()], true);
  }
  return ringOf(JSON.parse(await readFile(file, 'utf8')), `REGISTRY_KEKS_DIR/${KEKS_FILE}`);
}

/**
 * Rotation in a keys dir: a new KEK becomes current, earlier ones stay (they still unwrap data keys
 * until `rewrap-data-keys` has re-wrapped them). Returns the new kid and the number of older keys.
 */
export async function rotateKeyEncryptionKeys(dir: string): Promise<{ current: string; older: number }> {
  const file = join(dir, KEKS_FILE);
  const existing: OctJwk[] = existsSync(file)
    ? ((JSON.parse(await readFile(file, 'utf8')) as { keys?: OctJwk[] }).keys ?? [])
    : [];
  const next = newKekJwk();
  await writeKeks(dir, [next, ...existing], false);
  return { current: next.kid!, older: existing.length };
}
