import { ConfigError } from '@archipelago/platform-config';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBoxError } from '../use-case/port/secret-box.port.js';
import {
  AesGcmSecretBox,
  loadTotpSecretBox,
  newSecretBoxKeyEntry,
  parseSecretBoxKeys,
  TOTP_ENCRYPTION_KEYS_FILE,
} from './aes-gcm.secret-box.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const key = (id: string) => ({ id, key: randomBytes(32) });

describe('AES-256-GCM secret box', () => {
  it('seals to a value that holds nothing of the secret, differs each time, and opens with the same context', () => {
    const box = new AesGcmSecretBox([key('k1')]);
    const a = box.seal(SECRET, 'totp:u1');
    const b = box.seal(SECRET, 'totp:u1');
    expect(a).not.toBe(b); // random IV per value
    expect(a).not.toContain(SECRET);
    expect(a).toMatch(/^aesgcm1:k1:[\w-]{16}:[\w-]+:[\w-]{22}$/);
    expect(box.isSealed(a)).toBe(true);
    expect(box.open(a, 'totp:u1')).toEqual({ plaintext: SECRET, stale: false });
  });

  it('refuses another context (a value copied to another row), an altered value and an unknown key', () => {
    const box = new AesGcmSecretBox([key('k1')]);
    const sealed = box.seal(SECRET, 'totp:u1');
    expect(() => box.open(sealed, 'totp:u2')).toThrow(SecretBoxError);
    const parts = sealed.split(':');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => box.open(parts.join(':'), 'totp:u1')).toThrow(SecretBoxError);
    expect(() => new AesGcmSecretBox([key('k2')]).open(sealed, 'totp:u1')).toThrow(/No TOTP encryption key "k1"/);
  });

  it('rotates: the first key seals, older keys still open and mark the value stale; clear text is stale', () => {
    const old = key('old');
    const sealedOld = new AesGcmSecretBox([old]).seal(SECRET, 'c');
    const ring = new AesGcmSecretBox([key('new'), old]);
    expect(ring.open(sealedOld, 'c')).toEqual({ plaintext: SECRET, stale: true });
    expect(ring.seal(SECRET, 'c')).toMatch(/^aesgcm1:new:/);
    expect(ring.currentPrefix).toBe('aesgcm1:new:');
    expect(ring.seal(SECRET, 'c').startsWith(ring.currentPrefix)).toBe(true);
    expect(ring.isSealed(SECRET)).toBe(false);
    expect(ring.open(SECRET, 'c')).toEqual({ plaintext: SECRET, stale: true });
  });

  it('parses key rings and names the variable when an entry is wrong', () => {
    const a = newSecretBoxKeyEntry('a');
    const b = newSecretBoxKeyEntry('b');
    expect(parseSecretBoxKeys(`${a}, ${b}\n`, 'X').map((k) => k.id)).toEqual(['a', 'b']);
    for (const bad of [
      '',
      'nokey',
      `a:${randomBytes(16).toString('base64')}`,
      `bad id:${randomBytes(32).toString('base64')}`,
    ])
      expect(() => parseSecretBoxKeys(bad, 'IDENTITY_TOTP_ENCRYPTION_KEYS')).toThrow(/IDENTITY_TOTP_ENCRYPTION_KEYS/);
    expect(() => new AesGcmSecretBox([key('a'), key('a')])).toThrow(ConfigError);
  });

  it('local mode generates a key file (0600) once and reuses it; production never generates one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'totp-box-'));
    const first = await loadTotpSecretBox({ production: false, keysDir: dir });
    const file = join(dir, TOTP_ENCRYPTION_KEYS_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const before = await readFile(file, 'utf8');
    const second = await loadTotpSecretBox({ production: false, keysDir: dir });
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(second.open(first.seal(SECRET, 'c'), 'c').plaintext).toBe(SECRET);
    await expect(loadTotpSecretBox({ production: true, keysDir: dir })).rejects.toThrow(
      /IDENTITY_TOTP_ENCRYPTION_KEYS/,
    );
    const fromEnv = await loadTotpSecretBox({ production: true, keysText: before });
    expect(fromEnv.open(first.seal(SECRET, 'c'), 'c').plaintext).toBe(SECRET);
  });
});
