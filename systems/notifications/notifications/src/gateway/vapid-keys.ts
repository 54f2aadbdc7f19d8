import { ConfigError } from '@archipelago/platform-config';
import { createECDH } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import webpush from 'web-push';

/** The application server's VAPID identity (RFC 8292): a P-256 key pair and a contact. */
export interface VapidKeys {
  /** Uncompressed P-256 public key (65 bytes), base64url: the browser's `applicationServerKey`. */
  readonly publicKey: string;
  /** P-256 private key (32 bytes), base64url. Secret. */
  readonly privateKey: string;
  /** `mailto:` or `https:` contact of the sender, sent to push services in the VAPID token. */
  readonly subject: string;
}

/** Where the VAPID keys come from: the variables, else a keys dir (local mode: generated there). */
export interface VapidKeySource {
  readonly production: boolean;
  /** `VAPID_PUBLIC_KEY`. */
  readonly publicKey?: string;
  /** `VAPID_PRIVATE_KEY`. */
  readonly privateKey?: string;
  /** `VAPID_SUBJECT`. */
  readonly subject?: string;
  /** `VAPID_KEYS_DIR`, or the local default dir. */
  readonly keysDir?: string;
}

/** File holding the generated keys inside the keys dir: `{ publicKey, privateKey }`, mode 0600. */
export const VAPID_KEYS_FILE = 'vapid-keys.json';

/** Subject used outside production when `VAPID_SUBJECT` is not set. */
export const LOCAL_VAPID_SUBJECT = 'mailto:notifications@archipelago.local';

/** The local default keys dir: `<workspace>/.data/notifications/notifications/keys` (git-ignored), or undefined outside a workspace. */
export function defaultVapidKeysDir(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return join(dir, '.data', 'notifications', 'notifications', 'keys');
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Checks that `publicKey` is the public half of `privateKey` (both base64url P-256).
 * @throws ConfigError naming `origin` when they are malformed or do not match
 */
export function checkVapidPair(publicKey: string, privateKey: string, origin: string): void {
  const priv = Buffer.from(privateKey, 'base64url');
  const pub = Buffer.from(publicKey, 'base64url');
  if (priv.length !== 32) throw new ConfigError([`${origin}: the VAPID private key must be 32 bytes, base64url`]);
  if (pub.length !== 65 || pub[0] !== 0x04)
    throw new ConfigError([
      `${origin}: the VAPID public key must be an uncompressed P-256 point (65 bytes), base64url`,
    ]);
  const ecdh = createECDH('prime256v1');
  try {
    ecdh.setPrivateKey(priv);
  } catch {
    throw new ConfigError([`${origin}: the VAPID private key is not a P-256 private key`]);
  }
  if (!ecdh.getPublicKey().equals(pub))
    throw new ConfigError([`${origin}: the VAPID public key is not the public half of the private key`]);
}

function checkSubject(subject: string): string {
  if (!/^(mailto:.+|https:\/\/.+)$/.test(subject))
    throw new ConfigError(['VAPID_SUBJECT must be a mailto: address or an https: URL (RFC 8292 §2.1)']);
  return subject;
}

/**
 * Loads the VAPID keys.
 * - `VAPID_PUBLIC_KEY` + `VAPID_PRIVATE_KEY` (Kubernetes: a Secret), checked to be a P-256 pair.
 * - Otherwise, outside production only: `vapid-keys.json` in `VAPID_KEYS_DIR` or the local
 *   default dir, generated (dir 0700, file 0600) when missing.
 * Production needs both keys and `VAPID_SUBJECT` (fail closed: keys are never generated there).
 * @throws ConfigError when production lacks them, only one key is given, or the keys are malformed
 */
export async function loadVapidKeys(source: VapidKeySource): Promise<VapidKeys> {
  if (source.production && (!source.publicKey || !source.privateKey || !source.subject)) {
    throw new ConfigError([
      'VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT are required when NODE_ENV is production (keys are never generated there)',
    ]);
  }
  const subject = checkSubject(source.subject ?? LOCAL_VAPID_SUBJECT);
  if (source.publicKey || source.privateKey) {
    if (!source.publicKey || !source.privateKey)
      throw new ConfigError(['VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together: set both or neither']);
    checkVapidPair(source.publicKey, source.privateKey, 'VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY');
    return { publicKey: source.publicKey, privateKey: source.privateKey, subject };
  }
  const dir = source.keysDir ?? defaultVapidKeysDir();
  if (!dir) throw new ConfigError(['VAPID_KEYS_DIR is required: no workspace found for the local default']);
  const file = join(dir, VAPID_KEYS_FILE);
  if (!existsSync(file)) {
    const generated = webpush.generateVAPIDKeys();
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(generated, null, 2), { mode: 0o600 });
    // link() is atomic and fails when the file exists: replicas starting together keep the first keys.
    await link(tmp, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    await unlink(tmp);
  }
  const stored = JSON.parse(await readFile(file, 'utf8')) as { publicKey?: string; privateKey?: string };
  if (!stored.publicKey || !stored.privateKey)
    throw new ConfigError([`${file} must hold { "publicKey", "privateKey" } (base64url)`]);
  checkVapidPair(stored.publicKey, stored.privateKey, file);
  return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject };
}
