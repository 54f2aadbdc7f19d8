import 'reflect-metadata';
import { createHttpApp, currentRequestContext } from '@archipelago/platform-service';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { Controller, Get, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Caller, Public, Roles } from './auth.decorators.js';
import { AuthModule } from './auth.module.js';

// The guard inside the whole platform (createHttpApp), through fastify's inject: what a client sees.

@Controller('things')
class ThingsController {
  @Get()
  @Public()
  list(@Caller() caller: Caller | undefined) {
    return { caller: caller ?? null };
  }

  @Get('mine')
  mine(@Caller() caller: Caller) {
    return { caller, actor: currentRequestContext()?.actor?.id ?? null };
  }

  @Post()
  @Roles('admin')
  create(@Caller() caller: Caller) {
    return { createdBy: caller.id, actor: currentRequestContext()?.actor?.id ?? null };
  }
}

let issuer: TestIssuer;
let app: NestFastifyApplication;
const customer = { sub: '6f1c2a52-3d4e-4b8a-9c6e-2b1d0a9f8e7d', roles: ['customer'], email: 'ann@example.com' };
const admin = { sub: '0b5b4c9e-1d6f-4c38-9a57-3f2a1c0d9e11', roles: ['admin'], email: 'root@example.com' };

beforeAll(async () => {
  issuer = await startTestIssuer();
  @Module({
    imports: [
      AuthModule.forRoot({
        jwksUrl: issuer.jwksUrl,
        issuer: issuer.issuer,
        audience: issuer.audience,
        jwksCooldownMs: 0,
      }),
    ],
    controllers: [ThingsController],
  })
  class FixtureModule {}
  app = await createHttpApp(FixtureModule, {
    serviceName: 'things',
    config: { SERVICE_NAME: 'things', SYSTEM: 'test', HOST: '127.0.0.1', HTTP_PORT: 0, LOG_LEVEL: 'silent' },
    logDestination: { write: () => undefined },
    openapi: { title: 'Things', version: '1.0.0' },
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});
afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

const get = (url: string, token?: string) =>
  app.inject({ method: 'GET', url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
const post = (token?: string, authorization = token === undefined ? undefined : `Bearer ${token}`) =>
  app.inject({
    method: 'POST',
    url: '/things',
    payload: {},
    headers: authorization === undefined ? {} : { authorization },
  });

describe('protected routes', () => {
  it('answer 401 problem+json with a Bearer challenge (no error code) when there is no token', async () => {
    const res = await get('/things/mine');
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="archipelago"');
    expect(res.json()).toMatchObject({
      status: 401,
      title: 'Unauthorized',
      type: 'https://archipelago.dev/problems/unauthorized',
    });
  });

  it('treat another scheme as no token, and a malformed Bearer value as an invalid token', async () => {
    expect((await post(undefined, 'Basic YWxhZGRpbjpvcGVuc2VzYW1l')).statusCode).toBe(401);
    const res = await post(undefined, 'Bearer not a token');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it.each([
    ['expired', () => issuer.bad.expired(admin), 'expired'],
    ['tampered', () => issuer.bad.tampered(customer), 'signature'],
    ['signed by another key', () => issuer.bad.wrongKey(admin), 'signature'],
    ['signed by an unknown kid', () => issuer.bad.unknownKid(admin), 'unknown key'],
    ['alg none', () => issuer.bad.algNone(admin), 'algorithm'],
    ['HS256 with the public key as secret', () => issuer.bad.hs256WithPublicKey(admin), 'algorithm'],
    ['for another issuer', () => issuer.issue({ ...admin, issuer: 'https://evil.example/identity/v1' }), 'issuer'],
    ['for another audience', () => issuer.issue({ ...admin, audience: 'other-platform' }), 'audience'],
  ])('refuse a token %s with 401 invalid_token', async (_name, mint, description) => {
    const res = await post(await mint());
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(
      /^Bearer realm="archipelago", error="invalid_token", error_description="[^"]+"$/,
    );
    expect(res.json().detail.toLowerCase()).toContain(description);
  });

  it('serve a valid token and give the handler its caller and the request context its actor', async () => {
    const res = await get('/things/mine', await issuer.issue({ ...customer, scope: 'catalog:read openid' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      caller: {
        id: customer.sub,
        roles: ['customer'],
        email: customer.email,
        emailVerified: false,
        kind: 'user',
        scopes: ['catalog:read', 'openid'],
        tokenId: expect.any(String),
      },
      actor: customer.sub,
    });
  });

  it('tell service clients (no email) from users', async () => {
    const res = await get('/things/mine', await issuer.issue({ sub: 'load-tests', roles: [] }));
    expect(res.json().caller).toMatchObject({ id: 'load-tests', kind: 'client' });
  });

  it('answer 403 problem+json when the caller lacks the role, and serve it when it has it', async () => {
    const denied = await post(await issuer.issue(customer));
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(denied.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(denied.json()).toMatchObject({ status: 403, title: 'Forbidden', requiredRoles: ['admin'] });
    const allowed = await post(await issuer.issue(admin));
    expect(allowed.statusCode).toBe(201);
    expect(allowed.json()).toEqual({ createdBy: admin.sub, actor: admin.sub });
  });
});

describe('public routes', () => {
  it('serve anonymous callers, attach a valid caller, and ignore a bad token', async () => {
    expect((await get('/things')).json()).toEqual({ caller: null });
    expect((await get('/things', await issuer.issue(customer))).json().caller).toMatchObject({ id: customer.sub });
    const bad = await get('/things', await issuer.bad.expired(customer));
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toEqual({ caller: null });
  });

  it('include the platform probes, metrics and API docs', async () => {
    expect((await get('/health/live')).statusCode).toBe(200);
    expect((await get('/health/ready')).statusCode).toBe(200);
    expect((await get('/metrics')).statusCode).toBe(200);
    const docs = await get('/docs/openapi.json');
    expect(docs.statusCode).toBe(200);
    const paths = docs.json().paths;
    expect(paths['/things'].get.security).toEqual([]);
    expect(paths['/things'].post.security).toBeUndefined();
  });
});

describe('signing key rotation', () => {
  it('keeps accepting tokens of the previous key, and accepts a new kid after fetching the JWKS again', async () => {
    const old = await issuer.issue(admin);
    expect((await post(old)).statusCode).toBe(201); // the JWKS is cached now
    const fetches = issuer.jwksRequests;
    const newKid = await issuer.rotate();
    const fresh = await issuer.issue(admin);
    expect(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid).toBe(newKid);
    expect((await post(fresh)).statusCode).toBe(201);
    expect(issuer.jwksRequests).toBe(fetches + 1);
    expect((await post(old)).statusCode).toBe(201);
    expect((await post(await issuer.issue({ ...admin, kid: issuer.previousKid }))).statusCode).toBe(201);
  });
});
