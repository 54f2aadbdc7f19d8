import { compactVerify, createRemoteJWKSet, importSPKI, type JWTVerifyGetKey } from 'jose';
import type { VerifiedTokenCache } from '@archipelago/util-token-cache';
import type { EdgeJwtCredential } from '../edge-config.model.js';
import { VAULT_REFERENCE } from '../kong-config.schema.js';

// Kong's jwt plugin (kong/plugins/jwt/handler.lua and jwt_parser.lua, Kong 3.x) as pure functions:
// where the token is looked for, the order of the checks and the exact 401 bodies.

/** The Kong jwt settings the verification reads (the plugin's `config`). */
export interface JwtVerificationSettings {
  readonly uri_param_names: readonly string[];
  readonly cookie_names: readonly string[];
  readonly header_names: readonly string[];
  readonly key_claim_name: string;
  readonly secret_is_base64: boolean;
  readonly claims_to_verify?: readonly ('exp' | 'nbf')[] | undefined;
  readonly maximum_expiration: number;
  readonly realm?: string | undefined;
}

/** Where a token may come from in one request. */
export interface TokenSources {
  readonly query: URLSearchParams;
  /** Request headers by lower-case name (Node's IncomingHttpHeaders). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** A rejected token: the status and body Kong answers, and its WWW-Authenticate (RFC 6750 §3). */
export interface JwtRejection {
  readonly ok: false;
  readonly status: 401 | 500;
  /** `{"message": ...}`, or Kong's claim errors such as `{"exp": "token expired"}`. */
  readonly body: Readonly<Record<string, string | readonly string[]>>;
  readonly wwwAuthenticate: string | undefined;
}

/** An accepted token: its credential and claims (signature and registered claims verified). */
export interface JwtAcceptance {
  readonly ok: true;
  readonly credential: EdgeJwtCredential;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly token: string;
}

/** Algorithms Kong's jwt_parser can verify; any other `alg` (including `none`) is "Bad token; invalid alg". */
const VERIFIABLE_ALGORITHMS = new Set([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
]);

const BEARER = /^\s*[Bb]earer\s+(.+)/;

function cookieValue(cookieHeader: string | string[] | undefined, name: string): string | undefined {
  const header = Array.isArray(cookieHeader) ? cookieHeader.join('; ') : cookieHeader;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Collects the distinct non-empty tokens of a request, as Kong 3's `retrieve_tokens`: query
 * parameters `uri_param_names`, then cookies `cookie_names`, then headers `header_names` holding
 * `Bearer <token>`. Returns undefined (none), the token, or several (Kong: "Multiple tokens provided").
 */
export function retrieveTokens(
  settings: JwtVerificationSettings,
  sources: TokenSources,
): string | string[] | undefined {
  const tokens = new Set<string>();
  for (const name of settings.uri_param_names) {
    for (const value of sources.query.getAll(name)) if (value !== '') tokens.add(value);
  }
  for (const name of settings.cookie_names) {
    const value = cookieValue(sources.headers.cookie, name);
    if (value !== undefined && value !== '') tokens.add(value);
  }
  for (const name of settings.header_names) {
    const raw = sources.headers[name.toLowerCase()];
    const value = Array.isArray(raw) ? raw[0] : raw;
    const token = value === undefined ? undefined : BEARER.exec(value)?.[1];
    if (token !== undefined && token !== '') tokens.add(token);
  }
  if (tokens.size === 0) return undefined;
  const all = [...tokens];
  return all.length === 1 ? all[0] : all;
}

/** A JWT split and decoded, not yet verified. */
export interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
}

function base64UrlJson(segment: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) throw new Error('not base64url');
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Decodes a compact JWS (RFC 7515 §7.1) the way Kong's jwt_parser does.
 * @returns the header and claims, or Kong's reason: `invalid JSON`, `invalid alg`, `invalid claims`.
 */
export function decodeJwt(token: string): DecodedJwt | { error: string } {
  const parts = token.split('.');
  if (parts.length !== 3) return { error: 'invalid JSON' };
  let header: unknown;
  let claims: unknown;
  try {
    header = base64UrlJson(parts[0]!);
    claims = base64UrlJson(parts[1]!);
  } catch {
    return { error: 'invalid JSON' };
  }
  if (!isObject(header) || typeof header.alg !== 'string' || !VERIFIABLE_ALGORITHMS.has(header.alg))
    return { error: 'invalid alg' };
  if (!isObject(claims)) return { error: 'invalid claims' };
  return { header, claims };
}

/**
 * Kong's `verify_registered_claims` (RFC 7519 §4.1.4, §4.1.5): for each claim listed, a number
 * that is not expired (`exp` > now) or already valid (`nbf` <= now). Times are NumericDate seconds.
 * @returns undefined when all hold, otherwise Kong's error object, e.g. `{ exp: 'token expired' }`.
 */
export function verifyRegisteredClaims(
  claims: Readonly<Record<string, unknown>>,
  claimsToVerify: readonly ('exp' | 'nbf')[] | undefined,
  nowSeconds: number,
): Record<string, string> | undefined {
  const errors: Record<string, string> = {};
  for (const name of new Set(claimsToVerify ?? [])) {
    const value = claims[name];
    if (typeof value !== 'number') errors[name] = 'must be a number';
    else if (name === 'exp' && value <= nowSeconds) errors[name] = 'token expired';
    else if (name === 'nbf' && value > nowSeconds) errors[name] = 'token not valid yet';
  }
  return Object.keys(errors).length === 0 ? undefined : errors;
}

/** The key of a credential could not be obtained (JWKS unreachable or malformed): Kong's 500, not the client's fault. */
export class JwtKeyUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JwtKeyUnavailableError';
  }
}

/** Resolves the verification key of a credential (static PEM, HMAC secret, or remote JWKS by `kid`). */
export type JwtKeySource = JWTVerifyGetKey;

/** Options of {@link createKeySource}. */
export interface KeySourceOptions {
  /** JWKS URL used when the credential's key is a vault reference. */
  readonly jwksUrl: string | undefined;
  /** Kong's `secret_is_base64`: the HMAC secret is base64 and is decoded before use. */
  readonly secretIsBase64: boolean;
}

const KID_MISSES = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS']);

/**
 * Builds the key source of one credential: HMAC secret (HS*), a PEM SPKI public key, or — for a
 * `{vault://...}` reference — the issuer's JWKS fetched lazily with jose's `createRemoteJWKSet`
 * (cached 10 min; refetched on an unknown `kid` at most every 10 s, so a rotated-in key is
 * picked up quickly while random `kid`s cannot flood the issuer).
 * @throws Error when a vault reference has no JWKS URL.
 */
export function createKeySource(credential: EdgeJwtCredential, options: KeySourceOptions): JwtKeySource {
  if (credential.algorithm.startsWith('HS')) {
    const secret = credential.secret ?? '';
    const bytes = options.secretIsBase64 ? Buffer.from(secret, 'base64') : Buffer.from(secret, 'utf8');
    return async () => new Uint8Array(bytes);
  }
  const material = (credential.rsaPublicKey ?? '').trim();
  if (!VAULT_REFERENCE.test(material)) {
    const key = importSPKI(material, credential.algorithm);
    return async () => {
      try {
        return await key;
      } catch (error) {
        throw new JwtKeyUnavailableError(`jwt_secrets "${credential.key}": invalid rsa_public_key`, { cause: error });
      }
    };
  }
  if (options.jwksUrl === undefined) throw new Error(`no JWKS URL for jwt_secrets "${credential.key}" (${material})`);
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
    cooldownDuration: 10_000,
    cacheMaxAge: 600_000,
    timeoutDuration: 5_000,
  });
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      // An unknown kid is the token's fault (wrongly signed); anything else is the key server's.
      if (KID_MISSES.has((error as { code?: string }).code ?? '')) throw error;
      throw new JwtKeyUnavailableError(`JWKS ${options.jwksUrl} unavailable: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
}

function reject(status: 401 | 500, body: JwtRejection['body'], wwwAuthenticate: string | undefined): JwtRejection {
  return { ok: false, status, body, wwwAuthenticate };
}

/** A token that passed decoding, the credential lookup, the `alg` check and the signature check. */
export interface SignedJwt {
  readonly credential: EdgeJwtCredential;
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * Tokens already accepted by {@link verifyJwt} (the shared {@link VerifiedTokenCache}: by exact
 * token string, until the token's `exp` or the cache's max age), each with the jwt settings it was
 * checked under: a hit saves the decode and the signature check; the registered claims (`exp`,
 * `nbf`) and `maximum_expiration` are still checked on every request, as Kong does.
 */
export type VerifiedJwtCache = VerifiedTokenCache<SignedJwt & { readonly settingsKey: string }>;

// What the checks before the signature's depend on besides the token and the credentials.
const settingsKeyOf = (settings: JwtVerificationSettings) =>
  `${settings.key_claim_name}\u0000${settings.secret_is_base64}`;

/** Kong's checks up to and including the signature (see {@link verifyJwt}); throws JwtKeyUnavailableError. */
async function verifySignedJwt(
  token: string,
  settings: JwtVerificationSettings,
  credentials: ReadonlyMap<string, EdgeJwtCredential>,
  keySourceFor: (credential: EdgeJwtCredential) => JwtKeySource,
  invalid: string,
): Promise<SignedJwt | JwtRejection> {
  const decoded = decodeJwt(token);
  if ('error' in decoded) return reject(401, { message: `Bad token; ${decoded.error}` }, invalid);
  const keyName = settings.key_claim_name;
  const keyClaim = decoded.claims[keyName] ?? decoded.header[keyName];
  if (keyClaim === undefined || keyClaim === null)
    return reject(401, { message: `No mandatory '${keyName}' in claims` }, invalid);
  if (keyClaim === '') return reject(401, { message: `Invalid '${keyName}' in claims` }, invalid);
  const credential = typeof keyClaim === 'string' ? credentials.get(keyClaim) : undefined;
  if (credential === undefined) return reject(401, { message: `No credentials found for given '${keyName}'` }, invalid);
  if (decoded.header.alg !== credential.algorithm) return reject(401, { message: 'Invalid algorithm' }, invalid);

  try {
    await compactVerify(token, keySourceFor(credential), { algorithms: [credential.algorithm] });
  } catch (error) {
    if (error instanceof JwtKeyUnavailableError) throw error;
    return reject(401, { message: 'Invalid signature' }, invalid);
  }
  return { credential, claims: decoded.claims };
}

/**
 * Authenticates one token with Kong's jwt checks, in Kong's order: decode → key claim (`iss` by
 * default, claims then header) → credential → `alg` equals the credential's algorithm (so an HS256
 * token "signed" with a public key never reaches HMAC verification) → signature → registered claims
 * → `maximum_expiration`. Every failure is 401 with Kong's body; an unobtainable key is 500.
 * With a `cache`, a token accepted before (same settings) skips the steps up to the signature; the
 * registered claims and `maximum_expiration` are checked every time.
 * @param keySourceFor the key source of a credential (see createKeySource)
 * @param nowSeconds current NumericDate (RFC 7519 §2)
 * @param cache tokens already accepted (see {@link VerifiedJwtCache}); accepted tokens are added
 */
export async function verifyJwt(
  token: string | string[] | undefined,
  settings: JwtVerificationSettings,
  credentials: ReadonlyMap<string, EdgeJwtCredential>,
  keySourceFor: (credential: EdgeJwtCredential) => JwtKeySource,
  nowSeconds: number,
  cache?: VerifiedJwtCache,
): Promise<JwtAcceptance | JwtRejection> {
  const base = settings.realm === undefined ? 'Bearer' : `Bearer realm="${settings.realm}"`;
  const invalid = `${base} error="invalid_token"`;
  if (token === undefined) return reject(401, { message: 'Unauthorized' }, base);
  if (Array.isArray(token)) return reject(401, { message: 'Multiple tokens provided' }, invalid);

  const settingsKey = settingsKeyOf(settings);
  const hit = cache?.get(token);
  const cached = hit?.settingsKey === settingsKey ? hit : undefined;
  const signed = cached ?? (await verifySignedJwt(token, settings, credentials, keySourceFor, invalid));
  if ('ok' in signed) return signed;
  const { credential, claims } = signed;

  const claimErrors = verifyRegisteredClaims(claims, settings.claims_to_verify, nowSeconds);
  if (claimErrors !== undefined) return reject(401, claimErrors, invalid);
  if (settings.maximum_expiration > 0) {
    const exp = claims.exp;
    if (typeof exp !== 'number' || exp - nowSeconds > settings.maximum_expiration) {
      return reject(401, { exp: 'exceeds maximum allowed expiration' }, invalid);
    }
  }
  if (cached === undefined) {
    const exp = claims.exp;
    cache?.set(token, { credential, claims, settingsKey }, typeof exp === 'number' ? exp : undefined);
  }
  return { ok: true, credential, claims, token };
}
