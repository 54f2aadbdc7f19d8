import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISSUER_KEYS_FILE, loadIssuerKeys, rotateIssuerKeys } from './issuer-keys.js';
import { JoseIssuer } from './jose.issuer.js';

const DID = 'did:web:credentials.test';

/** Verifies with jose alone against the keys a DID document lists (kid = verification method id). */
async function verifiesAgainst(jwt: string, issuer: JoseIssuer): Promise<boolean> {
  const keys = {
    keys: issuer.didDocument().verificationMethod.map((m) => ({ ...m.publicKeyJwk, kid: m.id })),
  } as JSONWebKeySet;
  try {
    await compactVerify(jwt, createLocalJWKSet(keys));
    return true;
  } catch {
    return false;
  }
}

describe('issuer keys on disk and key rotation', () => {
  it('generates a 0600 key file locally, and an old credential still verifies after two rotations', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'issuer-keys-'));
    const first = new JoseIssuer(
      DID,
      'http://credentials.test',
      await loadIssuerKeys({ production: false, keysDir: dir }),
    );
    expect((await stat(join(dir, ISSUER_KEYS_FILE))).mode & 0o777).toBe(0o600);
    const old = await first.sign({ type: ['VerifiableCredential'], issuer: DID }, 'vc+jwt');
    expect(decodeProtectedHeader(old)).toMatchObject({ alg: 'ES256', typ: 'vc+jwt', cty: 'vc' });

    await rotateIssuerKeys(dir);
    const rotated = await rotateIssuerKeys(dir);
    expect(rotated.older).toBe(2);
    const after = new JoseIssuer(
      DID,
      'http://credentials.test',
      await loadIssuerKeys({ production: false, keysDir: dir }),
    );
    expect(after.didDocument().verificationMethod).toHaveLength(3);
    const fresh = await after.sign({ type: ['VerifiableCredential'], issuer: DID }, 'vc+jwt');
    expect(decodeProtectedHeader(fresh).kid).toBe(`${DID}#${rotated.current}`);
    expect(await verifiesAgainst(old, after)).toBe(true);
    expect(await verifiesAgainst(fresh, after)).toBe(true);
    expect((await after.verifySignature(old)).ok).toBe(true);
    expect(await verifiesAgainst(fresh, first)).toBe(false);
  });

  it('never generates keys in production', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'issuer-keys-'));
    await expect(loadIssuerKeys({ production: true, keysDir: dir })).rejects.toThrow(/never generates keys/);
    await expect(loadIssuerKeys({ production: true })).rejects.toThrow(/CREDENTIALS_ISSUER_KEYS/);
  });
});
