import { ConfigError } from '@archipelago/platform-config';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { loadVapidKeys, VAPID_KEYS_FILE } from './vapid-keys.js';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vapid-'));
  dirs.push(dir);
  return join(dir, 'keys');
};
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('loadVapidKeys', () => {
  it('generates a key pair locally (file 0600), then keeps it', async () => {
    const keysDir = await tempDir();
    const first = await loadVapidKeys({ production: false, keysDir });
    expect(first.subject).toBe('mailto:notifications@archipelago.local');
    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
    expect((await stat(join(keysDir, VAPID_KEYS_FILE))).mode & 0o777).toBe(0o600);
    expect(await loadVapidKeys({ production: false, keysDir })).toEqual(first);
    expect(JSON.parse(await readFile(join(keysDir, VAPID_KEYS_FILE), 'utf8'))).toEqual({
      publicKey: first.publicKey,
      privateKey: first.privateKey,
    });
  });

  it('takes the keys from configuration when both are set, checking they are a pair', async () => {
    const pair = webpush.generateVAPIDKeys();
    const other = webpush.generateVAPIDKeys();
    const subject = 'https://archipelago.example/contact';
    expect(await loadVapidKeys({ production: true, ...pair, subject })).toEqual({ ...pair, subject });
    await expect(
      loadVapidKeys({ production: true, publicKey: other.publicKey, privateKey: pair.privateKey, subject }),
    ).rejects.toThrow(/public half/);
    await expect(loadVapidKeys({ production: false, publicKey: pair.publicKey })).rejects.toThrow(/both or neither/);
  });

  it('fails closed in production without keys or subject (never generates there)', async () => {
    const keysDir = await tempDir();
    await expect(loadVapidKeys({ production: true, keysDir })).rejects.toBeInstanceOf(ConfigError);
    const pair = webpush.generateVAPIDKeys();
    await expect(loadVapidKeys({ production: true, ...pair })).rejects.toThrow(/VAPID_SUBJECT/);
    await expect(stat(keysDir)).rejects.toThrow();
  });
});
