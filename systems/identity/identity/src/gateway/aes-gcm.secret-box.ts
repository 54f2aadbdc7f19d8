import { ConfigError } from '@archipelago/platform-config';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type OpenedSecret, SecretBoxError, type SecretBoxPort } from '../use-case/port/secret-box.port.js';

/** File of the local-mode key ring inside the keys dir (mode 0600), same format as the variable. */
export const TOTP_ENCRYPTION_KEYS_FILE = 'totp-encryption-keys';

/** Prefix of a sealed value: `aesgcm1:<key id>:<iv>:<ciphertext>:<tag>` (base64url parts). */
const PREFIX = 'aesgcm1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs, random per message
const TAG_BYTES = 16;

/** One AES-256 key of the ring. */
export interface SecretBoxKey {
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

/**
 * AES-256-GCM secret box (NIST SP 800-38D) with a key ring: the first key seals, every key opens,
 * so a key can be rotated by putting a new one first (values sealed with the old one are sealed
 * again when read). A random 96-bit IV per value; the context is the additional authenticated data.
 */
export class AesGcmSecretBox implements SecretBoxPort {
  private readonly byId: ReadonlyMap<string, Buffer>;

  /** @throws ConfigError when the ring is empty, a key is not 32 bytes or an id repeats */
  constructor(private readonly keys: readonly SecretBoxKey[]) {
    if (keys.length === 0) throw new ConfigError(['the TOTP encryption key ring is empty']);
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new ConfigError([`TOTP encryption key id "${id}" must match ${KEY_ID.source}`]);
      if (key.length !== 32) throw new ConfigError([`TOTP encryption key "${id}" must be 32 bytes (AES-256)`]);
      if (byId.has(id)) throw new ConfigError([`TOTP encryption key id "${id}" appears twice`]);
      byId.set(id, key);
    }
    this.byId = byId;
  }

  seal(plaintext: string, context: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      PREFIX,
      id,
      iv.toString('base64url'),
      body.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join(':');
  }

  open(stored: string, context: string): OpenedSecret {
    if (!this.isSealed(stored)) return { plaintext: stored, stale: true };
    const [, id, iv, body, tag] = stored.split(':') as [string, string, string, string, string];
    const key = this.byId.get(id);
    if (!key) throw new SecretBoxError(`No TOTP encryption key "${id}" is configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plaintext = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
      return { plaintext, stale: id !== this.keys[0]!.id };
    } catch {
      throw new SecretBoxError('A sealed secret failed authentication (altered, or sealed for another context)');
    }
  }

  get currentPrefix(): string {
    return `${PREFIX}:${this.keys[0]!.id}:`;
  }

  isSealed(stored: string): boolean {
    const parts = stored.split(':');
    return parts.length === 5 && parts[0] === PREFIX;
  }
}

/**
 * Parses a key ring: `<id>:<base64 or base64url of 32 random bytes>` entries separated by spaces,
 * commas or new lines, the current (sealing) key first.
 * @throws ConfigError naming `origin` when an entry is malformed
 */
export function parseSecretBoxKeys(text: string, origin: string): SecretBoxKey[] {
  const entries = text.split(/[\s,]+/).filter((e) => e.length > 0);
  if (entries.length === 0) throw new ConfigError([`${origin} holds no key (<id>:<base64 of 32 bytes>)`]);
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (colon < 1 || !KEY_ID.test(id) || key.length !== 32)
      throw new ConfigError([`${origin} entries must be <id>:<base64 of 32 bytes> (AES-256 keys), the current first`]);
    return { id, key };
  });
}

/** A new ring entry `<id>:<base64 of 32 random bytes>` (what the local mode writes, and the ops docs show). */
export function newSecretBoxKeyEntry(id = `k${Date.now().toString(36)}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/**
 * The secret box of TOTP secrets. Keys come from `IDENTITY_TOTP_ENCRYPTION_KEYS` (required in
 * production: the chart takes it from a Secret), else in local mode from
 * `<keysDir>/totp-encryption-keys`, generated (0600) on first start.
 * @throws ConfigError when production has no keys, or the keys are malformed
 */
export async function loadTotpSecretBox(source: {
  readonly production: boolean;
  readonly keysText?: string;
  readonly keysDir?: string;
}): Promise<AesGcmSecretBox> {
  if (source.keysText) return new AesGcmSecretBox(parseSecretBoxKeys(source.keysText, 'IDENTITY_TOTP_ENCRYPTION_KEYS'));
  if (source.production)
    throw new ConfigError([
      'IDENTITY_TOTP_ENCRYPTION_KEYS is required when NODE_ENV is production (TOTP secrets are encrypted at rest; keys are never generated there)',
    ]);
  if (!source.keysDir)
    throw new ConfigError([
      'IDENTITY_TOTP_ENCRYPTION_KEYS or IDENTITY_KEYS_DIR is required: no workspace found for the local default',
    ]);
  const file = join(source.keysDir, TOTP_ENCRYPTION_KEYS_FILE);
  if (!existsSync(file)) {
    await mkdir(source.keysDir, { recursive: true, mode: 0o700 });
    await chmod(source.keysDir, 0o700);
    await writeFile(file, `${newSecretBoxKeyEntry('local1')}\n`, { mode: 0o600, flag: 'wx' }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error; // another process wrote it first: use theirs
      },
    );
  }
  return new AesGcmSecretBox(
    parseSecretBoxKeys(await readFile(file, 'utf8'), `IDENTITY_KEYS_DIR/${TOTP_ENCRYPTION_KEYS_FILE}`),
  );
}
