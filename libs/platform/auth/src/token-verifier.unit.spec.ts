import { Metadata } from '@grpc/grpc-js';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthUnavailableError, InvalidTokenError } from './auth.errors.js';
import { parseBearerToken } from './bearer-token.js';
import { authenticateGrpcCall } from './grpc-auth.js';
import { TokenVerifier } from './token-verifier.js';

let issuer: TestIssuer;
let verifier: TokenVerifier;
const admin = { sub: '0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11', roles: ['admin'], email: 'root@example.com' };

beforeAll(async () => {
  issuer = await startTestIssuer();
  verifier = new TokenVerifier({ jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience });
});
afterAll(() => issuer?.close());

describe('parseBearerToken (RFC 6750 §2.1)', () => {
  it('reads the token, case-insensitively, and tells other schemes from malformed values', () => {
    expect(parseBearerToken('Bearer abc.def-_~+/.ghi==')).toBe('abc.def-_~+/.ghi==');
    expect(parseBearerToken('bearer abc')).toBe('abc');
    expect(parseBearerToken(undefined)).toBeUndefined();
    expect(parseBearerToken('Basic abc')).toBeUndefined();
    expect(parseBearerToken('Bearer')).toBeNull();
    expect(parseBearerToken('Bearer a b')).toBeNull();
  });
});

describe('TokenVerifier', () => {
  it('returns the caller of a valid token', async () => {
    await expect(verifier.verify(await issuer.issue(admin))).resolves.toMatchObject({
      id: admin.sub,
      roles: ['admin'],
      kind: 'user',
    });
  });

  it('refuses a token whose roles claim is not a string array', async () => {
    const token = await issuer.issue({ sub: admin.sub, extra: { roles: 'admin' } });
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token without exp', async () => {
    const token = await issuer.issue({ ...admin, extra: { exp: undefined } });
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'malformed' });
  });

  it('refuses a token with a lifetime above the cap (a year), a future iat or no iat', async () => {
    const year = await issuer.issue({ ...admin, expiresInSec: 365 * 24 * 3600 });
    await expect(verifier.verify(year)).rejects.toMatchObject({ reason: 'lifetime' });
    const now = Math.floor(Date.now() / 1000);
    const future = await issuer.issue({ ...admin, extra: { iat: now + 3600, exp: now + 3900 } });
    await expect(verifier.verify(future)).rejects.toMatchObject({ reason: 'not-yet-valid' });
    const noIat = await issuer.issue({ ...admin, extra: { iat: undefined } });
    await expect(verifier.verify(noIat)).rejects.toMatchObject({ reason: 'malformed' });
    // Identity's own lifetime (15 min) passes.
    await expect(verifier.verify(await issuer.issue({ ...admin, expiresInSec: 900 }))).resolves.toBeDefined();
  });

  it('reports an unreachable JWKS as unavailable, not as a bad token', async () => {
    const down = await startTestIssuer();
    down.setUnavailable(true);
    const cold = new TokenVerifier({ jwksUrl: down.jwksUrl, issuer: down.issuer, audience: down.audience });
    await expect(cold.verify(await down.issue(admin))).rejects.toBeInstanceOf(AuthUnavailableError);
    await down.close();
    await expect(cold.verify(await down.issue(admin))).rejects.toBeInstanceOf(AuthUnavailableError);
  });
});

describe('authenticateGrpcCall', () => {
  const metadata = (authorization?: string) => {
    const m = new Metadata();
    if (authorization) m.set('authorization', authorization);
    return m;
  };

  it('returns the caller of the forwarded token', async () => {
    const caller = await authenticateGrpcCall(verifier, metadata(`Bearer ${await issuer.issue(admin)}`), ['admin']);
    expect(caller.id).toBe(admin.sub);
  });

  it('fails with UNAUTHENTICATED without a good token and PERMISSION_DENIED without the role', async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: { getError(): { code: number } }) => e.getError().code,
      );
    expect(await code(authenticateGrpcCall(verifier, metadata()))).toBe(status.UNAUTHENTICATED);
    expect(await code(authenticateGrpcCall(verifier, metadata(`Bearer ${await issuer.bad.algNone(admin)}`)))).toBe(
      status.UNAUTHENTICATED,
    );
    const customer = await issuer.issue({ sub: 'c', roles: ['customer'], email: 'c@example.com' });
    expect(await code(authenticateGrpcCall(verifier, metadata(`Bearer ${customer}`), ['admin']))).toBe(
      status.PERMISSION_DENIED,
    );
  });
});

describe('TokenVerifier: verified-token cache', () => {
  const options = () => ({ jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience });

  it('verifies the signature of a token once and answers later uses from the cache', async () => {
    const cached = new TokenVerifier(options());
    const token = await issuer.issue(admin);
    const signatureChecks = vi.spyOn(crypto.subtle, 'verify');
    try {
      const first = await cached.verify(token);
      expect(signatureChecks).toHaveBeenCalledTimes(1);
      await expect(cached.verify(token)).resolves.toEqual(first);
      await expect(cached.verify(token)).resolves.toEqual(first);
      expect(signatureChecks).toHaveBeenCalledTimes(1);
      // Without the cache every use is verified.
      const uncached = new TokenVerifier({ ...options(), verifiedTokenCacheSize: 0 });
      await uncached.verify(token);
      await uncached.verify(token);
      expect(signatureChecks).toHaveBeenCalledTimes(3);
    } finally {
      signatureChecks.mockRestore();
    }
  });

  it('rejects a cached token once it has expired (exp + clock tolerance)', async () => {
    let now = Date.now();
    const cached = new TokenVerifier({ ...options(), clockToleranceSec: 5 }, () => now);
    const token = await issuer.issue({ ...admin, expiresInSec: 30 });
    await cached.verify(token);
    const exp = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    now = (exp + 4) * 1000; // within the tolerance: still accepted
    await expect(cached.verify(token)).resolves.toMatchObject({ id: admin.sub });
    now = (exp + 6) * 1000;
    await expect(cached.verify(token)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('does not accept a tampered copy of a cached token', async () => {
    const cached = new TokenVerifier(options());
    const token = await issuer.issue(admin);
    await cached.verify(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin', 'root'] })).toString('base64url');
    await expect(cached.verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject({ reason: 'signature' });
    // Change the second-to-last character (a full 6 bits of the signature) to another one.
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.slice(-1);
    await expect(cached.verify(`${header}.${payload}.${flipped}`)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('never caches a failure', async () => {
    const cached = new TokenVerifier(options());
    const expired = await issuer.bad.expired(admin);
    const signatureChecks = vi.spyOn(crypto.subtle, 'verify');
    try {
      await expect(cached.verify(expired)).rejects.toMatchObject({ reason: 'expired' });
      await expect(cached.verify(expired)).rejects.toMatchObject({ reason: 'expired' });
      expect(signatureChecks).toHaveBeenCalledTimes(2);
    } finally {
      signatureChecks.mockRestore();
    }
  });
});
