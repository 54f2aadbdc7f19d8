import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { VerifiedTokenCache } from '@archipelago/util-token-cache';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { EdgeJwtCredential } from '../edge-config.model.js';
import {
  createKeySource,
  decodeJwt,
  retrieveTokens,
  type VerifiedJwtCache,
  verifyJwt,
  verifyRegisteredClaims,
  type JwtVerificationSettings,
} from './jwt-verifier.js';

const ISSUER = 'http://localhost:8000/identity/v1';
const NOW = 1_800_000_000; // NumericDate seconds; every token below is relative to it

const settings: JwtVerificationSettings = {
  uri_param_names: ['jwt'],
  cookie_names: ['session'],
  header_names: ['authorization'],
  key_claim_name: 'iss',
  secret_is_base64: false,
  claims_to_verify: ['exp'],
  maximum_expiration: 0,
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('retrieveTokens (Kong retrieve_tokens)', () => {
  const sources = (query: string, headers: Record<string, string> = {}) => ({
    query: new URLSearchParams(query),
    headers,
  });

  it('finds the token in the query, a cookie or a Bearer header', () => {
    expect(retrieveTokens(settings, sources('jwt=a'))).toBe('a');
    expect(retrieveTokens(settings, sources('', { cookie: 'x=1; session=b' }))).toBe('b');
    expect(retrieveTokens(settings, sources('', { authorization: '  bearer c' }))).toBe('c');
  });

  it('ignores other schemes and empty values; reports several distinct tokens', () => {
    expect(retrieveTokens(settings, sources('jwt=', { authorization: 'Basic Zm9vOmJhcg==' }))).toBeUndefined();
    expect(retrieveTokens(settings, sources('jwt=a', { authorization: 'Bearer a' }))).toBe('a');
    expect(retrieveTokens(settings, sources('jwt=a', { authorization: 'Bearer b' }))).toEqual(['a', 'b']);
  });
});

describe('decodeJwt and verifyRegisteredClaims (Kong jwt_parser)', () => {
  it('rejects malformed tokens and unsupported algorithms, including alg none', () => {
    expect(decodeJwt('abc')).toEqual({ error: 'invalid JSON' });
    expect(decodeJwt(`${b64({ alg: 'ES256' })}.!!.sig`)).toEqual({ error: 'invalid JSON' });
    expect(decodeJwt(`${b64({ alg: 'none' })}.${b64({ iss: ISSUER })}.`)).toEqual({ error: 'invalid alg' });
    expect(decodeJwt(`${b64({ alg: 'ES256' })}.${b64([1])}.sig`)).toEqual({ error: 'invalid claims' });
    expect(decodeJwt(`${b64({ alg: 'ES256', kid: 'k' })}.${b64({ iss: ISSUER })}.sig`)).toEqual({
      header: { alg: 'ES256', kid: 'k' },
      claims: { iss: ISSUER },
    });
  });

  it('checks exp and nbf only when listed, with Kong messages', () => {
    expect(verifyRegisteredClaims({ exp: NOW + 1 }, ['exp'], NOW)).toBeUndefined();
    expect(verifyRegisteredClaims({ exp: NOW }, ['exp'], NOW)).toEqual({ exp: 'token expired' });
    expect(verifyRegisteredClaims({ exp: '1' }, ['exp', 'nbf'], NOW)).toEqual({
      exp: 'must be a number',
      nbf: 'must be a number',
    });
    expect(verifyRegisteredClaims({ nbf: NOW + 5 }, ['nbf'], NOW)).toEqual({ nbf: 'token not valid yet' });
    expect(verifyRegisteredClaims({ exp: NOW - 100 }, undefined, NOW)).toBeUndefined();
  });
});

describe('verifyJwt (Kong jwt access phase)', () => {
  let privateKey: CryptoKey;
  let otherPrivateKey: CryptoKey;
  let publicPem: string;
  let credentials: Map<string, EdgeJwtCredential>;
  const keySource = (credential: EdgeJwtCredential) =>
    createKeySource(credential, { jwksUrl: undefined, secretIsBase64: false });

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
    otherPrivateKey = (await generateKeyPair('ES256')).privateKey;
    const consumer = { id: '0b9c6a52-3f1e-4d0a-9a57-5d3c8e1f2a10', username: 'identity-issuer', customId: undefined };
    credentials = new Map([
      [
        ISSUER,
        { consumer, id: undefined, key: ISSUER, algorithm: 'ES256', secret: undefined, rsaPublicKey: publicPem },
      ],
    ]);
  });

  const sign = (claims: Record<string, unknown>, key: CryptoKey = privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key);
  const verify = (token: string | string[] | undefined, overrides: Partial<JwtVerificationSettings> = {}) =>
    verifyJwt(token, { ...settings, ...overrides }, credentials, keySource, NOW);

  it('accepts a token signed by the credential key with a future exp', async () => {
    const token = await sign({ iss: ISSUER, sub: 'user-1', exp: NOW + 900 });
    const outcome = await verify(token);
    expect(outcome).toMatchObject({ ok: true, credential: { key: ISSUER }, claims: { sub: 'user-1' } });
  });

  it("answers Kong's 401 bodies for missing, multiple, unknown-issuer and expired tokens", async () => {
    expect(await verify(undefined)).toEqual({
      ok: false,
      status: 401,
      body: { message: 'Unauthorized' },
      wwwAuthenticate: 'Bearer',
    });
    expect(await verify(['a', 'b'])).toMatchObject({ status: 401, body: { message: 'Multiple tokens provided' } });
    expect(await verify(await sign({ sub: 'u', exp: NOW + 60 }))).toMatchObject({
      body: { message: "No mandatory 'iss' in claims" },
    });
    expect(await verify(await sign({ iss: 'https://evil.example', exp: NOW + 60 }))).toMatchObject({
      body: { message: "No credentials found for given 'iss'" },
    });
    expect(await verify(await sign({ iss: ISSUER, exp: NOW - 1 }))).toEqual({
      ok: false,
      status: 401,
      body: { exp: 'token expired' },
      wwwAuthenticate: 'Bearer error="invalid_token"',
    });
  });

  it('rejects a tampered payload and a token signed by another key as "Invalid signature"', async () => {
    const token = await sign({ iss: ISSUER, sub: 'user-1', exp: NOW + 900 });
    const [header, , signature] = token.split('.');
    const tampered = `${header}.${b64({ iss: ISSUER, sub: 'admin', exp: NOW + 900 })}.${signature}`;
    expect(await verify(tampered)).toMatchObject({ status: 401, body: { message: 'Invalid signature' } });
    expect(await verify(await sign({ iss: ISSUER, exp: NOW + 900 }, otherPrivateKey))).toMatchObject({
      body: { message: 'Invalid signature' },
    });
  });

  it('rejects alg none and an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, exp: NOW + 900 })}.`;
    expect(await verify(none)).toMatchObject({ status: 401, body: { message: 'Bad token; invalid alg' } });
    const confused = await new SignJWT({ iss: ISSUER, exp: NOW + 900 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(publicPem));
    expect(await verify(confused)).toMatchObject({ status: 401, body: { message: 'Invalid algorithm' } });
  });

  it('enforces maximum_expiration and uses the realm in WWW-Authenticate', async () => {
    const longLived = await sign({ iss: ISSUER, exp: NOW + 3600 });
    expect(await verify(longLived, { maximum_expiration: 960, realm: 'archipelago' })).toEqual({
      ok: false,
      status: 401,
      body: { exp: 'exceeds maximum allowed expiration' },
      wwwAuthenticate: 'Bearer realm="archipelago" error="invalid_token"',
    });
    expect(await verify(await sign({ iss: ISSUER, exp: NOW + 900 }), { maximum_expiration: 960 })).toMatchObject({
      ok: true,
    });
  });

  it('verifies HS256 credentials with their secret, base64-decoded when secret_is_base64', async () => {
    // A test-only HMAC secret: base64 of 'secret-key-for-hmac-tests-32bytes'.
    const secret = Buffer.from('secret-key-for-hmac-tests-32bytes').toString('base64');
    const consumer = { id: 'c', username: 'svc', customId: undefined };
    const hs = new Map([
      ['svc', { consumer, id: undefined, key: 'svc', algorithm: 'HS256' as const, secret, rsaPublicKey: undefined }],
    ]);
    const token = await new SignJWT({ iss: 'svc', exp: NOW + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(Buffer.from(secret, 'base64'));
    const source = (base64: boolean) => (c: EdgeJwtCredential) =>
      createKeySource(c, { jwksUrl: undefined, secretIsBase64: base64 });
    expect(await verifyJwt(token, { ...settings, secret_is_base64: true }, hs, source(true), NOW)).toMatchObject({
      ok: true,
    });
    expect(await verifyJwt(token, settings, hs, source(false), NOW)).toMatchObject({
      body: { message: 'Invalid signature' },
    });
  });

  describe('with a cache of accepted tokens', () => {
    let nowMs = NOW * 1000;
    const newCache = (maxEntries = 100): VerifiedJwtCache =>
      new VerifiedTokenCache({ maxEntries, maxAgeMs: 60_000, now: () => nowMs });
    const verifyAt = (token: string, cache: VerifiedJwtCache, overrides: Partial<JwtVerificationSettings> = {}) =>
      verifyJwt(token, { ...settings, ...overrides }, credentials, keySource, Math.floor(nowMs / 1000), cache);
    const signatureChecks = () => vi.spyOn(crypto.subtle, 'verify');

    it('checks the signature of a token once; later requests with it are answered from the cache', async () => {
      nowMs = NOW * 1000;
      const cache = newCache();
      const token = await sign({ iss: ISSUER, sub: 'user-1', exp: NOW + 900 });
      const spy = signatureChecks();
      try {
        const first = await verifyAt(token, cache);
        expect(first).toMatchObject({ ok: true, claims: { sub: 'user-1' } });
        expect(await verifyAt(token, cache)).toEqual(first);
        expect(await verifyAt(token, cache)).toEqual(first);
        expect(spy).toHaveBeenCalledTimes(1);
        expect(cache.size).toBe(1);
      } finally {
        spy.mockRestore();
      }
    });

    it('rejects a cached token once it is expired, and a cached token over maximum_expiration', async () => {
      nowMs = NOW * 1000;
      const cache = newCache();
      const token = await sign({ iss: ISSUER, sub: 'user-1', exp: NOW + 30 });
      expect(await verifyAt(token, cache)).toMatchObject({ ok: true });
      nowMs = (NOW + 29) * 1000;
      expect(await verifyAt(token, cache)).toMatchObject({ ok: true });
      nowMs = (NOW + 30) * 1000; // exp <= now: expired (the entry may still be in the cache)
      expect(await verifyAt(token, cache)).toMatchObject({ ok: false, status: 401, body: { exp: 'token expired' } });
      nowMs = NOW * 1000;
      const longLived = await sign({ iss: ISSUER, exp: NOW + 3600 });
      expect(await verifyAt(longLived, cache)).toMatchObject({ ok: true });
      expect(await verifyAt(longLived, cache, { maximum_expiration: 960 })).toMatchObject({
        body: { exp: 'exceeds maximum allowed expiration' },
      });
    });

    it('does not take a tampered copy of a cached token for it, and never caches a failure', async () => {
      nowMs = NOW * 1000;
      const cache = newCache();
      const token = await sign({ iss: ISSUER, sub: 'user-1', exp: NOW + 900 });
      await verifyAt(token, cache);
      const [header, , signature] = token.split('.');
      const tampered = `${header}.${b64({ iss: ISSUER, sub: 'admin', exp: NOW + 900 })}.${signature}`;
      expect(await verifyAt(tampered, cache)).toMatchObject({ status: 401, body: { message: 'Invalid signature' } });
      const foreign = await sign({ iss: ISSUER, exp: NOW + 900 }, otherPrivateKey);
      expect(await verifyAt(foreign, cache)).toMatchObject({ body: { message: 'Invalid signature' } });
      expect(await verifyAt(foreign, cache)).toMatchObject({ body: { message: 'Invalid signature' } });
      expect(cache.size).toBe(1);
    });

    it('keeps at most maxEntries tokens, each for at most maxAgeMs', async () => {
      nowMs = NOW * 1000;
      const cache = newCache(2);
      const tokens = await Promise.all([1, 2, 3].map((n) => sign({ iss: ISSUER, sub: `user-${n}`, exp: NOW + 900 })));
      for (const token of tokens) await verifyAt(token, cache);
      expect(cache.size).toBe(2);
      const spy = signatureChecks();
      try {
        await verifyAt(tokens[2]!, cache); // still cached
        expect(spy).toHaveBeenCalledTimes(0);
        await verifyAt(tokens[0]!, cache); // evicted: verified again
        expect(spy).toHaveBeenCalledTimes(1);
        nowMs += 60_001; // past maxAgeMs although exp is 15 min away
        await verifyAt(tokens[0]!, cache);
        expect(spy).toHaveBeenCalledTimes(2);
      } finally {
        spy.mockRestore();
      }
    });
  });
});
