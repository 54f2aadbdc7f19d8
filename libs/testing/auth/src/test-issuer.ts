import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** Default `iss` of test tokens: the same as the platform's default `AUTH_ISSUER`. */
export const TEST_ISSUER = 'http://localhost:8000/identity/v1';
/** Default `aud` of test tokens: the platform's default `AUTH_AUDIENCE`. */
export const TEST_AUDIENCE = 'archipelago';
/** Path of the test issuer's token endpoint (client credentials only), as identity's. */
export const TEST_TOKEN_PATH = '/identity/v1/token';
/** The one client secret the test issuer's token endpoint accepts (any client id). */
export const TEST_CLIENT_SECRET = 'test-service-client-secret';
/** Path the test issuer serves its JWKS at (the identity service's path). */
export const TEST_JWKS_PATH = '/identity/v1/.well-known/jwks.json';

/** What a test token says about its caller (RFC 7519 claims plus Archipelago's `roles`, `email`, `scope`). */
export interface TestTokenClaims {
  /** `sub`: a user id (UUID) or a service client id. */
  sub: string;
  /** `roles`, e.g. `['customer']` or `['admin']`; default `[]`. */
  roles?: string[];
  /** `email`: present on user tokens only. */
  email?: string;
  /** `email_verified` (OpenID Connect Core §5.1), as identity issues it with `email`; default absent (not verified). */
  emailVerified?: boolean;
  /** `scope` (space-separated); default none. */
  scope?: string;
  /** Lifetime in seconds from now (negative: already expired); default 300. */
  expiresInSec?: number;
  /** Overrides of `iss` / `aud` (to mint a token for another issuer or audience). */
  issuer?: string;
  audience?: string | string[];
  /** Any further claims, merged last. */
  extra?: Record<string, unknown>;
}

/** Options of {@link TestIssuer.issue}. */
export interface IssueOptions extends TestTokenClaims {
  /**
   * `ES256` (default: a valid token), `none` (unsigned, RFC 7519 §6) or `HS256` signed with the
   * issuer's public key (PEM) as the HMAC secret — the classic algorithm-confusion attack.
   */
  alg?: 'ES256' | 'none' | 'HS256';
  /** `kid` header; default the current key's. Naming a retained previous key signs with that key. */
  kid?: string;
}

/** An ES256 signing key with its id. */
interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}

/**
 * A stand-in for the identity service in tests: serves a JWKS (RFC 7517) of generated ES256 keys
 * over HTTP and mints access tokens shaped like identity's (RFC 7519: `iss`, `sub`, `aud`, `exp`,
 * `iat`, `jti`, plus `roles`, `email`, `scope`; header `kid`), and the bad tokens a service must
 * refuse.
 */
export interface TestIssuer {
  /** `iss` of the tokens it mints. */
  readonly issuer: string;
  /** `aud` of the tokens it mints. */
  readonly audience: string;
  /** Origin of its HTTP server (`http://127.0.0.1:<port>`): it also answers `/health/ready`, to stand in for the identity upstream. */
  readonly url: string;
  /** Absolute URL of the JWKS, for `AUTH_JWKS_URL`. */
  readonly jwksUrl: string;
  /** `kid` of the key that signs new tokens. */
  readonly currentKid: string;
  /** `kid` of the key that signed before the last {@link rotate}, still published; `undefined` before any rotation. */
  readonly previousKid: string | undefined;
  /** How many times the JWKS was fetched (to check a verifier's cache and refetch). */
  readonly jwksRequests: number;
  /** Mints a token; see {@link IssueOptions}. */
  issue(options: IssueOptions): Promise<string>;
  /** Bad tokens, each otherwise valid for `claims`. */
  readonly bad: {
    /** Signed correctly but expired an hour ago. */
    expired(claims: TestTokenClaims): Promise<string>;
    /** Signed correctly, then the payload edited (roles become `['admin']`) keeping the signature. */
    tampered(claims: TestTokenClaims): Promise<string>;
    /** Signed by a key that is not published, under the current key's `kid`. */
    wrongKey(claims: TestTokenClaims): Promise<string>;
    /** Signed by a key that is not published, under a `kid` the JWKS does not know. */
    unknownKid(claims: TestTokenClaims): Promise<string>;
    /** `alg: none`, no signature. */
    algNone(claims: TestTokenClaims): Promise<string>;
    /** HS256 with the public key (SPKI PEM) as the HMAC secret. */
    hs256WithPublicKey(claims: TestTokenClaims): Promise<string>;
  };
  /**
   * Generates a new current key. The previous current key stays published (and usable through
   * `issue({ kid })`), as identity does; keys older than that are withdrawn from the JWKS.
   * @returns the new `kid`.
   */
  rotate(): Promise<string>;
  /** When `true`, the JWKS endpoint answers 503 (identity unavailable). */
  setUnavailable(unavailable: boolean): void;
  /** Stops the HTTP server. */
  close(): Promise<void>;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, privateKey, publicKey, jwk };
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * Starts a {@link TestIssuer} on `127.0.0.1` and a free port.
 *
 * @param options.issuer `iss` of minted tokens; default {@link TEST_ISSUER}.
 * @param options.audience `aud` of minted tokens; default {@link TEST_AUDIENCE}.
 */
export async function startTestIssuer(options: { issuer?: string; audience?: string } = {}): Promise<TestIssuer> {
  const issuer = options.issuer ?? TEST_ISSUER;
  const audience = options.audience ?? TEST_AUDIENCE;
  let keys: SigningKey[] = [await newKey()]; // newest first; at most current + previous
  let jwksRequests = 0;
  let unavailable = false;

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === TEST_JWKS_PATH) {
      jwksRequests++;
      if (unavailable) {
        res
          .writeHead(503, { 'content-type': 'application/problem+json' })
          .end('{"status":503,"title":"Service Unavailable"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
      return;
    }
    if (req.method === 'POST' && path === TEST_TOKEN_PATH) {
      // Client credentials (RFC 6749 §4.4, HTTP Basic) for any client whose secret is
      // TEST_CLIENT_SECRET; `resource` (RFC 8707) becomes the audience. For service-to-service tests.
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const params = new URLSearchParams(body);
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
        const [id, secret] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':') : [];
        if (
          params.get('grant_type') !== 'client_credentials' ||
          !id ||
          decodeURIComponent(secret ?? '') !== TEST_CLIENT_SECRET
        ) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
          return;
        }
        const claims = { sub: decodeURIComponent(id), expiresInSec: 300, audience: params.get('resource') ?? audience };
        void sign(payloadOf(claims), keys[0]!.privateKey, keys[0]!.kid).then((token) =>
          res
            .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
            .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 300 })),
        );
      });
      return;
    }
    if (req.method === 'GET' && (path === '/health/ready' || path === '/health/live')) {
      // So that the test issuer can stand in for the identity upstream behind the edge.
      res.writeHead(unavailable ? 503 : 200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const jwksUrl = `${url}${TEST_JWKS_PATH}`;

  const payloadOf = (claims: TestTokenClaims, now = Math.floor(Date.now() / 1000)) => ({
    iss: claims.issuer ?? issuer,
    sub: claims.sub,
    aud: claims.audience ?? audience,
    iat: now,
    exp: now + (claims.expiresInSec ?? 300),
    jti: randomUUID(),
    roles: claims.roles ?? [],
    ...(claims.email !== undefined && { email: claims.email }),
    ...(claims.emailVerified !== undefined && { email_verified: claims.emailVerified }),
    ...(claims.scope !== undefined && { scope: claims.scope }),
    ...claims.extra,
  });
  const sign = (payload: Record<string, unknown>, key: CryptoKey, kid: string) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid }).sign(key);
  const unsigned = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
    `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;

  const handle: TestIssuer = {
    issuer,
    audience,
    url,
    jwksUrl,
    get currentKid() {
      return keys[0]!.kid;
    },
    get previousKid() {
      return keys[1]?.kid;
    },
    get jwksRequests() {
      return jwksRequests;
    },
    async issue(opts) {
      const key = opts.kid === undefined ? keys[0]! : keys.find((k) => k.kid === opts.kid);
      const kid = opts.kid ?? keys[0]!.kid;
      const payload = payloadOf(opts);
      if (opts.alg === 'none') return `${unsigned({ alg: 'none', typ: 'JWT', kid }, payload)}.`;
      if (opts.alg === 'HS256') {
        const secret = await exportSPKI(keys[0]!.publicKey);
        const input = unsigned({ alg: 'HS256', typ: 'JWT', kid }, payload);
        return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      }
      if (!key) throw new Error(`no retained key with kid ${opts.kid}`);
      return sign(payload, key.privateKey, kid);
    },
    bad: {
      expired: (claims) => handle.issue({ ...claims, expiresInSec: -3600 }),
      async tampered(claims) {
        const [header, , signature] = (await handle.issue(claims)).split('.');
        const payload = { ...payloadOf(claims), roles: ['admin'] };
        return `${header}.${b64url(JSON.stringify(payload))}.${signature}`;
      },
      async wrongKey(claims) {
        const stranger = await newKey();
        return sign(payloadOf(claims), stranger.privateKey, keys[0]!.kid);
      },
      async unknownKid(claims) {
        const stranger = await newKey();
        return sign(payloadOf(claims), stranger.privateKey, stranger.kid);
      },
      algNone: (claims) => handle.issue({ ...claims, alg: 'none' }),
      hs256WithPublicKey: (claims) => handle.issue({ ...claims, alg: 'HS256' }),
    },
    async rotate() {
      keys = [await newKey(), keys[0]!];
      return keys[0]!.kid;
    },
    setUnavailable(value) {
      unavailable = value;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return handle;
}
