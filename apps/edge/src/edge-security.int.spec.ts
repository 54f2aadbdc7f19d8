import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdge } from './edge.server.js';
import { loadKongConfig, parseKongConfig } from './kong-config.loader.js';
import { parseUpstreamMap } from './upstream-target.js';

// Real sockets: an "identity" upstream that serves a JWKS generated here (and echoes everything
// else), a "catalog" echo upstream, and the edge, all on free ports of 127.0.0.1. Callers use
// different loopback source addresses (127.0.0.x) when a test needs its own per-IP bucket.

const ISSUER = 'http://localhost:8000/identity/v1';
const JWKS_PATH = '/identity/v1/.well-known/jwks.json';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

interface Upstream {
  server: Server;
  port: number;
  seen: Seen[];
  jwksFetches: number;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function startUpstream(jwks?: () => { keys: JWK[] }): Promise<Upstream> {
  const upstream: Upstream = { server: undefined as unknown as Server, port: 0, seen: [], jwksFetches: 0 };
  upstream.server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (jwks !== undefined && req.url === JWKS_PATH) {
        upstream.jwksFetches += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(jwks()));
      }
      upstream.seen.push({ method: req.method!, url: req.url!, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  upstream.port = await listen(upstream.server);
  return upstream;
}

async function stop(server: Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; from?: string; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, localAddress: options.from ?? '127.0.0.1', agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const KONG_YML = `
_format_version: "3.0"
consumers:
  - username: identity-issuer
    id: 0b9c6a52-3f1e-4d0a-9a57-5d3c8e1f2a10
    jwt_secrets:
      - key: ${ISSUER}
        algorithm: ES256
        rsa_public_key: "{vault://env/identity-jwt-public-key}"
services:
  - name: identity
    url: http://identity.identity:8080
    routes:
      - name: identity-register
        paths: ["~/identity/v1/users$"]
        methods: [POST]
        strip_path: false
      - name: identity-token
        paths: [/identity/v1/token]
        methods: [POST]
        strip_path: false
        plugins:
          - name: rate-limiting
            config: { minute: 3, limit_by: ip }
      - name: identity-well-known
        paths: [/identity/v1/.well-known/]
        methods: [GET]
        strip_path: false
      - name: identity-users
        paths: [/identity/v1/users]
        methods: [GET, PATCH, PUT]
        strip_path: false
        plugins:
          - name: jwt
            config: &jwt { claims_to_verify: [exp], maximum_expiration: 960, uri_param_names: [] }
          - name: rate-limiting
            config: &per-user { minute: 4, limit_by: header, header_name: X-Authenticated-Userid }
  - name: catalog
    url: http://catalog.commerce:8080
    plugins:
      - name: jwt
        config: *jwt
      - name: rate-limiting
        config: *per-user
    routes:
      - name: products
        paths: [/commerce/v1/products]
        methods: [GET, POST]
        strip_path: false
plugins:
  - name: correlation-id
    config: { header_name: X-Request-Id, generator: uuid, echo_downstream: true }
  - name: rate-limiting
    config: { minute: 5, limit_by: ip }
`;

describe('edge security: jwt and rate-limiting (real sockets)', () => {
  let identity: Upstream;
  let catalog: Upstream;
  let edge: FastifyInstance;
  let port: number;
  let privateKey: CryptoKey;
  let strangerKey: CryptoKey;
  let publicPem: string;
  let publicJwk: JWK;
  let nowMs = Date.UTC(2030, 0, 1, 12, 0, 10); // the edge's clock: fixed, moved by the tests
  const nowSeconds = () => Math.floor(nowMs / 1000);

  const sign = (claims: Record<string, unknown>, options: { key?: CryptoKey; kid?: string } = {}) =>
    new SignJWT({
      iss: ISSUER,
      aud: 'archipelago',
      roles: ['customer'],
      iat: nowSeconds(),
      exp: nowSeconds() + 900,
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'key-1' })
      .sign(options.key ?? privateKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
    strangerKey = (await generateKeyPair('ES256')).privateKey;
    identity = await startUpstream(() => ({ keys: [publicJwk] }));
    catalog = await startUpstream();
    edge = await createEdge({
      config: parseKongConfig(KONG_YML, 'edge-security.int.spec kong.yml'),
      upstreams: parseUpstreamMap(
        JSON.stringify({
          'identity.identity:8080': `http://127.0.0.1:${identity.port}`,
          'catalog.commerce:8080': `http://127.0.0.1:${catalog.port}`,
        }),
      ),
      now: () => nowMs,
    });
    await edge.listen({ host: '127.0.0.1', port: 0 });
    port = (edge.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await edge?.close();
    await stop(identity?.server);
    await stop(catalog?.server);
  });

  it('fetches the JWKS lazily, then passes a valid token with Authorization unchanged and the verified caller', async () => {
    expect(identity.jwksFetches).toBe(0);
    const token = await sign({ sub: 'user-valid', email: 'v@example.com' });
    const answer = await send(port, 'GET', '/commerce/v1/products?limit=5', {
      headers: {
        ...bearer(token),
        'x-consumer-id': 'forged',
        'x-authenticated-userid': 'admin',
        'x-anonymous-consumer': 'true',
      },
      from: '127.0.0.10',
    });
    expect(answer.status).toBe(200);
    const seen = catalog.seen.at(-1)!;
    expect(seen.url).toBe('/commerce/v1/products?limit=5');
    expect(seen.headers.authorization).toBe(`Bearer ${token}`);
    expect(seen.headers['x-consumer-id']).toBe('0b9c6a52-3f1e-4d0a-9a57-5d3c8e1f2a10');
    expect(seen.headers['x-consumer-username']).toBe('identity-issuer');
    expect(seen.headers['x-credential-identifier']).toBe(ISSUER);
    expect(seen.headers['x-authenticated-userid']).toBe('user-valid');
    expect(seen.headers['x-anonymous-consumer']).toBeUndefined();

    const again = await send(port, 'GET', '/identity/v1/users/me', {
      headers: bearer(await sign({ sub: 'user-valid' })),
      from: '127.0.0.10',
    });
    expect(again.status).toBe(200);
    expect(identity.jwksFetches).toBe(1);
  });

  it("rejects missing, expired, tampered, wrongly signed, alg none and HS256-with-the-public-key tokens with Kong's 401", async () => {
    const before = catalog.seen.length;
    const valid = await sign({ sub: 'user-bad' });
    const [header, , signature] = valid.split('.');
    const cases: [string, Record<string, string>, unknown][] = [
      ['missing', {}, { message: 'Unauthorized' }],
      ['not bearer', { authorization: 'Basic dXNlcjpwYXNz' }, { message: 'Unauthorized' }],
      ['expired', bearer(await sign({ sub: 'user-bad', exp: nowSeconds() - 1 })), { exp: 'token expired' }],
      [
        'too long-lived',
        bearer(await sign({ sub: 'user-bad', exp: nowSeconds() + 86_400 })),
        { exp: 'exceeds maximum allowed expiration' },
      ],
      [
        'tampered',
        bearer(
          `${header}.${b64({ iss: ISSUER, sub: 'admin', roles: ['admin'], exp: nowSeconds() + 900 })}.${signature}`,
        ),
        { message: 'Invalid signature' },
      ],
      [
        'signed by another key, same kid',
        bearer(await sign({ sub: 'user-bad' }, { key: strangerKey })),
        { message: 'Invalid signature' },
      ],
      [
        'signed by another key, unknown kid',
        bearer(await sign({ sub: 'user-bad' }, { key: strangerKey, kid: 'key-x' })),
        { message: 'Invalid signature' },
      ],
      [
        'alg none',
        bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, sub: 'admin', exp: nowSeconds() + 900 })}.`),
        { message: 'Bad token; invalid alg' },
      ],
      [
        'HS256 keyed with the public key (PEM)',
        bearer(
          await new SignJWT({ iss: ISSUER, sub: 'admin', exp: nowSeconds() + 900 })
            .setProtectedHeader({ alg: 'HS256' })
            .sign(new TextEncoder().encode(publicPem)),
        ),
        { message: 'Invalid algorithm' },
      ],
      [
        'HS256 keyed with the public key (JWK JSON)',
        bearer(
          await new SignJWT({ iss: ISSUER, sub: 'admin', exp: nowSeconds() + 900 })
            .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
            .sign(new TextEncoder().encode(JSON.stringify(publicJwk))),
        ),
        { message: 'Invalid algorithm' },
      ],
      [
        'another issuer',
        bearer(await sign({ iss: 'https://evil.example', sub: 'admin' })),
        { message: "No credentials found for given 'iss'" },
      ],
    ];
    for (const [name, headers, body] of cases) {
      const answer = await send(port, 'POST', '/commerce/v1/products', { headers, from: '127.0.0.11', body: '{}' });
      expect({ name, status: answer.status, body: JSON.parse(answer.body) }).toEqual({ name, status: 401, body });
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect(catalog.seen.length).toBe(before);
  });

  it('rejects a tampered copy of a token it accepted (and cached), and that token once it has expired', async () => {
    const before = catalog.seen.length;
    const valid = await sign({ sub: 'user-cached', exp: nowSeconds() + 60 });
    const get = (token: string) =>
      send(port, 'GET', '/commerce/v1/products?limit=5', { headers: bearer(token), from: '127.0.0.12' });
    expect((await get(valid)).status).toBe(200);
    expect((await get(valid)).status).toBe(200); // answered from the cache of accepted tokens
    const [header, , signature] = valid.split('.');
    const tampered = `${header}.${b64({ iss: ISSUER, sub: 'admin', roles: ['admin'], exp: nowSeconds() + 60 })}.${signature}`;
    const forged = await get(tampered);
    expect({ status: forged.status, body: JSON.parse(forged.body) }).toEqual({
      status: 401,
      body: { message: 'Invalid signature' },
    });
    const started = nowMs;
    nowMs += 60_000;
    try {
      const expired = await get(valid);
      expect({ status: expired.status, body: JSON.parse(expired.body) }).toEqual({
        status: 401,
        body: { exp: 'token expired' },
      });
    } finally {
      nowMs = started;
    }
    expect(catalog.seen.length).toBe(before + 2);
  });

  it('lets the public identity routes through without a token; the rest of identity needs one', async () => {
    const register = await send(port, 'POST', '/identity/v1/users', { from: '127.0.0.12', body: '{"email":"a@b.c"}' });
    expect(register.status).toBe(200);
    const token = await send(port, 'POST', '/identity/v1/token', { from: '127.0.0.12', body: 'grant_type=password' });
    expect(token.status).toBe(200);
    const discovery = await send(port, 'GET', '/identity/v1/.well-known/openid-configuration', { from: '127.0.0.12' });
    expect(discovery.status).toBe(200);
    expect(identity.seen.at(-1)?.url).toBe('/identity/v1/.well-known/openid-configuration');
    expect(identity.seen.at(-1)?.headers['x-consumer-id']).toBeUndefined();

    for (const [method, path] of [
      ['GET', '/identity/v1/users/me'],
      ['GET', '/identity/v1/users'],
      ['PUT', '/identity/v1/users/u1/roles'],
    ] as const) {
      expect((await send(port, method, path, { from: '127.0.0.12' })).status).toBe(401);
    }
  });

  it('limits each user separately on authenticated routes, with Kong headers and a 429 once exhausted', async () => {
    nowMs = Date.UTC(2030, 0, 1, 12, 5, 20);
    const alice = await sign({ sub: 'alice' });
    const bob = await sign({ sub: 'bob' });
    const remaining: string[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await send(port, 'GET', '/commerce/v1/products', { headers: bearer(alice), from: '127.0.0.13' });
      expect(answer.status).toBe(200);
      expect(answer.headers['ratelimit-limit']).toBe('4');
      expect(answer.headers['x-ratelimit-limit-minute']).toBe('4');
      expect(answer.headers['ratelimit-reset']).toBe('40');
      remaining.push(String(answer.headers['ratelimit-remaining']));
    }
    expect(remaining).toEqual(['3', '2', '1', '0']);

    const limited = await send(port, 'GET', '/commerce/v1/products', { headers: bearer(alice), from: '127.0.0.13' });
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body)).toEqual({ message: 'API rate limit exceeded' });
    expect(limited.headers['retry-after']).toBe('40');
    expect(limited.headers['x-ratelimit-remaining-minute']).toBe('0');
    expect(limited.headers['x-request-id']).toBeDefined();

    // A forged X-Authenticated-Userid does not buy a fresh bucket: the edge takes it from the token.
    const forged = await send(port, 'GET', '/commerce/v1/products', {
      headers: { ...bearer(alice), 'x-authenticated-userid': 'someone-else' },
      from: '127.0.0.13',
    });
    expect(forged.status).toBe(429);

    // Bob, from the same IP, has his own bucket.
    const other = await send(port, 'GET', '/commerce/v1/products', { headers: bearer(bob), from: '127.0.0.13' });
    expect(other.status).toBe(200);
    expect(other.headers['ratelimit-remaining']).toBe('3');

    // The next minute window starts afresh (Kong's fixed windows).
    nowMs = Date.UTC(2030, 0, 1, 12, 6, 0);
    const nextWindow = await send(port, 'GET', '/commerce/v1/products', {
      headers: bearer(await sign({ sub: 'alice' })),
      from: '127.0.0.13',
    });
    expect(nextWindow.status).toBe(200);
    expect(nextWindow.headers['ratelimit-remaining']).toBe('3');
  });

  it('limits anonymous routes per client IP', async () => {
    nowMs = Date.UTC(2030, 0, 1, 12, 10, 0);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await send(port, 'POST', '/identity/v1/users', { from: '127.0.0.14', body: '{}' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const otherIp = await send(port, 'POST', '/identity/v1/users', { from: '127.0.0.15', body: '{}' });
    expect(otherIp.status).toBe(200);
    expect(otherIp.headers['ratelimit-remaining']).toBe('4');
  });

  it('applies the tighter per-IP limit of the token endpoint without touching the other routes', async () => {
    nowMs = Date.UTC(2030, 0, 1, 12, 15, 30);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await send(port, 'POST', '/identity/v1/token', { from: '127.0.0.16', body: 'x' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await send(port, 'POST', '/identity/v1/token', { from: '127.0.0.16', body: 'x' });
    expect(limited.headers['ratelimit-limit']).toBe('3');
    expect(limited.headers['retry-after']).toBe('30');
    expect((await send(port, 'POST', '/identity/v1/token', { from: '127.0.0.17', body: 'x' })).status).toBe(200);
    expect((await send(port, 'POST', '/identity/v1/users', { from: '127.0.0.16', body: '{}' })).status).toBe(200);
  });

  it("answers Kong's 500 when the JWKS cannot be fetched (EDGE_JWKS_URL to a closed port)", async () => {
    const closed = createServer();
    const closedPort = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const broken = await createEdge({
      config: parseKongConfig(KONG_YML, 'edge-security.int.spec kong.yml'),
      upstreams: parseUpstreamMap(JSON.stringify({ 'catalog.commerce:8080': `http://127.0.0.1:${catalog.port}` })),
      jwksUrl: `http://127.0.0.1:${closedPort}/jwks.json`,
      now: () => nowMs,
    });
    try {
      await broken.listen({ host: '127.0.0.1', port: 0 });
      const answer = await send((broken.server.address() as AddressInfo).port, 'GET', '/commerce/v1/products', {
        headers: bearer(await sign({ sub: 'user-500' })),
      });
      expect(answer.status).toBe(500);
      expect(JSON.parse(answer.body)).toEqual({ message: 'An unexpected error occurred' });
    } finally {
      await broken.close();
    }
  });

  it('runs the repository kong.yml: catalog reads are public per IP, catalog writes need a token, public identity routes carry their limits', async () => {
    const file = fileURLToPath(new URL('../../../infra/kong/kong.yml', import.meta.url));
    const real = await createEdge({
      config: loadKongConfig(file),
      upstreams: parseUpstreamMap(
        JSON.stringify({
          'identity.identity:8080': `http://127.0.0.1:${identity.port}`,
          'catalog.commerce:8080': `http://127.0.0.1:${catalog.port}`,
        }),
      ),
      now: () => nowMs,
    });
    try {
      await real.listen({ host: '127.0.0.1', port: 0 });
      const realPort = (real.server.address() as AddressInfo).port;
      // Anonymous browse: the list and one product, limited per client IP (the global plugin).
      for (const path of ['/commerce/v1/products?limit=5', '/commerce/v1/products/p-1']) {
        const anonymousRead = await send(realPort, 'GET', path);
        expect([path, anonymousRead.status]).toEqual([path, 200]);
        expect(anonymousRead.headers['ratelimit-limit']).toBe('3000');
      }
      const anonymousWrite = await send(realPort, 'POST', '/commerce/v1/products', { body: '{}' });
      expect(anonymousWrite.status).toBe(401);
      expect(JSON.parse(anonymousWrite.body)).toEqual({ message: 'Unauthorized' });
      expect((await send(realPort, 'POST', '/commerce/v1/products/p-1/stock-adjustments', { body: '{}' })).status).toBe(401);
      // A path the routes serve only with another method: 405 + Allow (the edge's deviation from Kong's 404).
      const wrongMethod = await send(realPort, 'GET', '/commerce/v1/products/p-1/stock-adjustments');
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers['allow']).toContain('POST');

      const write = await send(realPort, 'POST', '/commerce/v1/products', {
        headers: bearer(await sign({ sub: 'writer' })),
        body: '{}',
      });
      expect(write.status).toBe(200);
      expect(write.headers['ratelimit-limit']).toBe('6000');
      expect(catalog.seen.at(-1)?.headers['x-authenticated-userid']).toBe('writer');

      // Registration has its own per-IP limit (each one costs a password hash).
      expect((await send(realPort, 'POST', '/identity/v1/users', { body: '{}' })).headers['ratelimit-limit']).toBe('60');
      expect((await send(realPort, 'POST', '/identity/v1/token', { body: 'x' })).headers['ratelimit-limit']).toBe('60');
      expect((await send(realPort, 'GET', '/identity/v1/.well-known/jwks.json')).status).toBe(200);
      expect((await send(realPort, 'PATCH', '/identity/v1/users/me', { body: '{}' })).status).toBe(401);
      const me = await send(realPort, 'PATCH', '/identity/v1/users/me', {
        headers: bearer(await sign({ sub: 'reader' })),
        body: '{}',
      });
      expect(me.status).toBe(200);
    } finally {
      await real.close();
    }
  });
});
