import { startTestIssuer, TEST_CLIENT_SECRET, type TestIssuer } from '@archipelago/testing-auth';
import { Metadata } from '@grpc/grpc-js';
import type { ExecutionContext } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GrpcAuthGuard } from './grpc-auth.guard.js';
import { ServiceTokenError, ServiceTokenSource } from './service-token-source.js';
import { TokenVerifier } from './token-verifier.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer?.close());

const rpc = (authorization?: string): ExecutionContext => {
  const metadata = new Metadata();
  if (authorization) metadata.set('authorization', authorization);
  return { getType: () => 'rpc', switchToRpc: () => ({ getContext: () => metadata }) } as unknown as ExecutionContext;
};

describe('ServiceTokenSource', () => {
  it('gets a client-credentials token for the audience, and reuses it until it is nearly expired', async () => {
    let now = Date.now();
    const fetchSpy = vi.fn(fetch);
    const source = new ServiceTokenSource({
      tokenUrl: `${issuer.url}/identity/v1/token`,
      clientId: 'ordering',
      clientSecret: TEST_CLIENT_SECRET,
      audience: 'catalog.commerce',
      fetch: fetchSpy,
      now: () => now,
    });
    const [a, b] = await Promise.all([source.token(), source.token()]);
    expect(a).toBe(b);
    expect(decodeJwt(a)).toMatchObject({ sub: 'ordering', aud: 'catalog.commerce' });
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    now += 271_000; // expires_in 300 − 30 s of margin
    await source.token();
    expect(fetchSpy).toHaveBeenCalledTimes(2);
  });

  it('fails with ServiceTokenError for a wrong secret', async () => {
    const source = new ServiceTokenSource({
      tokenUrl: `${issuer.url}/identity/v1/token`,
      clientId: 'ordering',
      clientSecret: 'wrong-secret-wrong-secret',
      audience: 'catalog.commerce',
    });
    await expect(source.token()).rejects.toBeInstanceOf(ServiceTokenError);
  });
});

describe('GrpcAuthGuard', () => {
  it('admits a service token for this server only; not none, a user token or one for another service', async () => {
    const verifier = new TokenVerifier({ jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: 'catalog.commerce' });
    const guard = new GrpcAuthGuard(verifier);
    const token = (audience: string) =>
      new ServiceTokenSource({
        tokenUrl: `${issuer.url}/identity/v1/token`,
        clientId: 'ordering',
        clientSecret: TEST_CLIENT_SECRET,
        audience,
      }).token();
    await expect(guard.canActivate(rpc(`Bearer ${await token('catalog.commerce')}`))).resolves.toBe(true);
    await expect(guard.canActivate(rpc())).rejects.toMatchObject({ error: { code: 16 } });
    await expect(guard.canActivate(rpc(`Bearer ${await token('payments.commerce')}`))).rejects.toMatchObject({
      error: { code: 16 },
    });
    const user = await issuer.issue({ sub: 'u1', email: 'u@example.com', audience: 'catalog.commerce' });
    await expect(guard.canActivate(rpc(`Bearer ${user}`))).rejects.toMatchObject({ error: { code: 7 } });
    // HTTP requests are not this guard's business.
    await expect(guard.canActivate({ getType: () => 'http' } as unknown as ExecutionContext)).resolves.toBe(true);
  });
});
