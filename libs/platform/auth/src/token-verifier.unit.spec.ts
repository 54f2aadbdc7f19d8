import { Metadata } from '@grpc/grpc-js';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
