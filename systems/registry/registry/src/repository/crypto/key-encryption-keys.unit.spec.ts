import { ConfigError } from '@archipelago/platform-config';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEKS_FILE, loadKeyEncryptionKeys, newKekJwk, rotateKeyEncryptionKeys } from './key-encryption-keys.js';

describe('key-encryption keys', () => {
  it('reads REGISTRY_KEKS, current first', async () => {
    const [a, b] = [newKekJwk(), newKekJwk()];
    const ring = await loadKeyEncryptionKeys({ production: true, keksJson: JSON.stringify({ keys: [a, b] }) });
    expect(ring.current.kid).toBe(a.kid);
    expect(ring.current.key).toEqual(Buffer.from(a.k, 'base64url'));
    expect(ring.older.map((k) => k.kid)).toEqual([b.kid]);
  });

  it('refuses malformed keys with a ConfigError naming the variable', async () => {
    await expect(loadKeyEncryptionKeys({ production: true, keksJson: 'nope' })).rejects.toThrow(ConfigError);
    await expect(
      loadKeyEncryptionKeys({ production: true, keksJson: JSON.stringify({ keys: [{ kty: 'oct', k: 'c2hvcnQ' }] }) }),
    ).rejects.toThrow(/REGISTRY_KEKS must hold 256-bit/);
    await expect(loadKeyEncryptionKeys({ production: true })).rejects.toThrow(/required when NODE_ENV is production/);
  });

  it('generates a first key locally (file 0600), never in production, and rotation puts a new key first', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'keks-')), 'keks');
    await expect(loadKeyEncryptionKeys({ production: true, keksDir: dir })).rejects.toThrow(/never generates/);
    const first = await loadKeyEncryptionKeys({ production: false, keksDir: dir });
    expect((await stat(join(dir, KEKS_FILE))).mode & 0o777).toBe(0o600);
    expect(await loadKeyEncryptionKeys({ production: false, keksDir: dir })).toEqual(first);
    const rotated = await rotateKeyEncryptionKeys(dir);
    const ring = await loadKeyEncryptionKeys({ production: true, keksDir: dir });
    expect(ring.current.kid).toBe(rotated.current);
    expect(ring.older).toEqual([first.current]);
    expect(await readFile(join(dir, KEKS_FILE), 'utf8')).toContain('"kty": "oct"');
  });
});
