import { z } from 'zod';
import type { EdgeConsumer, EdgeJwtCredential } from '../edge-config.model.js';
import type { EdgeRequestContext } from '../edge-request.context.js';
import { KONG_MESSAGE, sendKongError } from '../kong-response.js';
import { VAULT_REFERENCE } from '../kong-config.schema.js';
import { defineEdgePlugin, type EdgeRuntime } from './edge-plugin.js';
import { VerifiedTokenCache } from '@archipelago/util-token-cache';
import {
  createKeySource,
  JwtKeyUnavailableError,
  retrieveTokens,
  verifyJwt,
  type VerifiedJwtCache,
  type JwtKeySource,
} from './jwt-verifier.js';

const configSchema = z
  .strictObject({
    uri_param_names: z.array(z.string().min(1)).default(['jwt']),
    cookie_names: z.array(z.string().min(1)).default([]),
    header_names: z.array(z.string().min(1)).default(['authorization']),
    key_claim_name: z.string().min(1).default('iss'),
    secret_is_base64: z.boolean().default(false),
    claims_to_verify: z.array(z.enum(['exp', 'nbf'])).optional(),
    anonymous: z.string().min(1).optional(),
    run_on_preflight: z.boolean().default(true),
    maximum_expiration: z.number().min(0).max(31_536_000).default(0),
    realm: z.string().optional(),
  })
  .refine((c) => c.maximum_expiration === 0 || (c.claims_to_verify ?? []).includes('exp'), {
    message: 'maximum_expiration needs "exp" in claims_to_verify (as in Kong)',
    path: ['claims_to_verify'],
  });

export type JwtConfig = z.infer<typeof configSchema>;

const NO_QUERY = new URLSearchParams();

/**
 * Headers Kong's jwt plugin sets or clears on the upstream request, plus X-Authenticated-Userid
 * (the verified `sub`). Cleared first so that a client can never pass its own values.
 */
const CONSUMER_HEADERS = [
  'x-consumer-id',
  'x-consumer-custom-id',
  'x-consumer-username',
  'x-credential-identifier',
  'x-anonymous-consumer',
  'x-authenticated-userid',
] as const;

function setConsumer(
  context: EdgeRequestContext,
  consumer: EdgeConsumer,
  credential: EdgeJwtCredential | undefined,
  subject: string | undefined,
): void {
  const headers = context.upstreamHeaders;
  for (const name of CONSUMER_HEADERS) headers[name] = null;
  headers['x-consumer-id'] = consumer.id;
  if (consumer.customId !== undefined) headers['x-consumer-custom-id'] = consumer.customId;
  if (consumer.username !== undefined) headers['x-consumer-username'] = consumer.username;
  if (credential !== undefined) headers['x-credential-identifier'] = credential.key;
  else headers['x-anonymous-consumer'] = 'true';
  if (subject !== undefined) headers['x-authenticated-userid'] = subject;
  context.authenticated = { consumer, credential, subject };
}

/** Default JWKS of an issuer: `<issuer>/.well-known/jwks.json`, reached through the edge's own routes. */
function issuerJwksUrl(issuer: string, runtime: EdgeRuntime): string | undefined {
  let url: URL;
  try {
    url = new URL(`${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return runtime.upstreamUrlFor('GET', url.href) ?? url.href;
}

/**
 * Kong `jwt` (priority 1450, Kong 3.x): authenticates with a JWT (RFC 7519) from `uri_param_names`,
 * `cookie_names` or `header_names` (`Bearer`), against the `jwt_secrets` credential whose `key`
 * equals the token's `key_claim_name` claim (`iss`). Failures answer 401 with Kong's bodies and
 * `WWW-Authenticate`. On success the Authorization header goes upstream unchanged, with Kong's
 * X-Consumer-ID / X-Consumer-Username / X-Consumer-Custom-ID / X-Credential-Identifier, and
 * X-Authenticated-Userid = the verified `sub` (client-sent values are removed).
 *
 * Local addition: accepted tokens are cached (runtime.verifiedTokenCache), so a token's signature is
 * checked once, not on every request; `exp`/`nbf`/`maximum_expiration` are checked every time.
 *
 * Local difference: a credential whose `rsa_public_key` is a `{vault://...}` reference is verified
 * against the issuer's JWKS (RFC 7517, key chosen by `kid`) from EDGE_JWKS_URL, or by default
 * `<key>/.well-known/jwks.json` resolved through the edge's routes to the issuer's upstream.
 */
export const jwtPlugin = defineEdgePlugin<JwtConfig>({
  name: 'jwt',
  priority: 1450,
  configSchema,
  install(app, scope) {
    if (!scope.inUse) return;
    const { config, runtime } = scope;
    const credentials = config.jwtCredentials;
    const consumersByRef = new Map<string, EdgeConsumer>();
    for (const consumer of config.consumers) {
      for (const ref of [consumer.id, consumer.username, consumer.customId])
        if (ref !== undefined) consumersByRef.set(ref, consumer);
    }
    for (const route of config.routes) {
      const anonymous = (route.plugins.get('jwt') as JwtConfig | undefined)?.anonymous;
      if (anonymous !== undefined && !consumersByRef.has(anonymous)) {
        throw new Error(
          `jwt plugin on route ${route.label}: anonymous consumer "${anonymous}" is not in ${config.source}`,
        );
      }
    }

    const jwksUrlFor = (credential: EdgeJwtCredential): string | undefined =>
      runtime.jwksUrl ?? issuerJwksUrl(credential.key, runtime);
    for (const credential of credentials.values()) {
      if (VAULT_REFERENCE.test((credential.rsaPublicKey ?? '').trim()) && jwksUrlFor(credential) === undefined) {
        throw new Error(
          `jwt_secrets "${credential.key}" refers to a vault; set EDGE_JWKS_URL (its key is not an issuer URL)`,
        );
      }
    }
    // One key source per credential and secret encoding: remote JWKS caches live as long as the edge.
    const keySources = new Map<string, JwtKeySource>();
    const keySourceFor = (settings: JwtConfig) => (credential: EdgeJwtCredential) => {
      const cacheKey = `${settings.secret_is_base64}|${credential.key}`;
      let source = keySources.get(cacheKey);
      if (source === undefined) {
        source = createKeySource(credential, {
          jwksUrl: jwksUrlFor(credential),
          secretIsBase64: settings.secret_is_base64,
        });
        keySources.set(cacheKey, source);
      }
      return source;
    };

    // Clients send the same token with every request until it expires: verify its signature once.
    const verified: VerifiedJwtCache = new VerifiedTokenCache({
      maxEntries: runtime.verifiedTokenCache?.maxEntries ?? 4096,
      maxAgeMs: runtime.verifiedTokenCache?.maxAgeMs ?? 60_000,
      now: runtime.now,
    });

    app.addHook('onRequest', async (request, reply) => {
      const settings = scope.configFor(request);
      const context = request.edge;
      if (settings === undefined || context === null) return;
      if (!settings.run_on_preflight && request.method === 'OPTIONS') return;
      // Parsing the URL costs an allocation per request: only when tokens may come in the query.
      const query =
        settings.uri_param_names.length > 0 ? new URL(request.url, 'http://edge.invalid').searchParams : NO_QUERY;
      const token = retrieveTokens(settings, { query, headers: request.headers });
      let outcome;
      try {
        outcome = await verifyJwt(
          token,
          settings,
          credentials,
          keySourceFor(settings),
          Math.floor(runtime.now() / 1000),
          verified,
        );
      } catch (error) {
        if (!(error instanceof JwtKeyUnavailableError)) throw error;
        request.log.error({ err: error }, 'jwt: verification key unavailable');
        return sendKongError(reply, 500, KONG_MESSAGE.unexpected);
      }
      if (outcome.ok) {
        const sub = outcome.claims.sub;
        setConsumer(
          context,
          outcome.credential.consumer,
          outcome.credential,
          typeof sub === 'string' && sub !== '' ? sub : undefined,
        );
        return;
      }
      if (settings.anonymous !== undefined) {
        setConsumer(context, consumersByRef.get(settings.anonymous)!, undefined, undefined);
        return;
      }
      if (outcome.wwwAuthenticate !== undefined) reply.header('www-authenticate', outcome.wwwAuthenticate);
      return reply.code(outcome.status).type('application/json; charset=utf-8').send(outcome.body);
    });
  },
});
