// The runtime model the edge serves from: kong.yml after validation, with references resolved,
// defaults applied and plugins already scoped per route (Kong's precedence computed once at start).

/** An upstream service as Kong sees it (url shorthand expanded into its parts). */
export interface EdgeService {
  readonly name: string;
  readonly protocol: 'http' | 'https';
  readonly host: string;
  /** TCP port; Kong's default is 80 for http and 443 for https. */
  readonly port: number;
  /** Base path prepended to the proxied path; `undefined` when the service has none. */
  readonly path: string | undefined;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
}

/** Effective plugin configurations for one request scope, by plugin name (already parsed). */
export type EdgePluginSet = ReadonlyMap<string, unknown>;

/** A route with its service and the plugins that apply to it. */
export interface EdgeRoute {
  /** `name` when set, otherwise a stable label (`<service>.routes[<i>]` / `routes[<i>]`) for logs. */
  readonly label: string;
  readonly name: string | undefined;
  readonly service: EdgeService;
  readonly paths: readonly string[];
  readonly methods: readonly string[] | undefined;
  readonly hosts: readonly string[] | undefined;
  readonly stripPath: boolean;
  readonly preserveHost: boolean;
  readonly regexPriority: number;
  /** Declaration order: the last tie-breaker between equally specific routes. */
  readonly order: number;
  readonly plugins: EdgePluginSet;
}

/** Signing algorithms of a Kong `jwt_secrets` credential (RFC 7518 names). */
export const JWT_ALGORITHMS = [
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
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** A Kong consumer (only what auth plugins need). */
export interface EdgeConsumer {
  /** Kong's consumer id (sent as X-Consumer-ID): the kong.yml `id`, or a stable UUID derived from username/custom_id. */
  readonly id: string;
  readonly username: string | undefined;
  readonly customId: string | undefined;
}

/** A Kong `jwt_secrets` credential: the key claim value (usually `iss`) a token must carry, and how to check it. */
export interface EdgeJwtCredential {
  readonly consumer: EdgeConsumer;
  readonly id: string | undefined;
  /** Value of `key_claim_name` (default `iss`) that selects this credential; sent as X-Credential-Identifier. */
  readonly key: string;
  /** The only `alg` a token for this credential may use (anything else: "Invalid algorithm"). */
  readonly algorithm: JwtAlgorithm;
  /** HMAC secret, for HS* algorithms. */
  readonly secret: string | undefined;
  /**
   * Public key for RS/ES/PS/EdDSA: a PEM (SPKI), or a Kong vault reference such as
   * `{vault://env/identity-jwt-public-key}`. The local edge resolves a reference by fetching the
   * issuer's JWKS (RFC 7517) instead, selecting the key by the token's `kid`.
   */
  readonly rsaPublicKey: string | undefined;
}

/** Everything the edge needs from one kong.yml. */
export interface EdgeConfig {
  /** The file it was read from (for messages). */
  readonly source: string;
  readonly services: readonly EdgeService[];
  readonly routes: readonly EdgeRoute[];
  readonly consumers: readonly EdgeConsumer[];
  /** jwt_secrets of every consumer, by `key` (unique, as in Kong). */
  readonly jwtCredentials: ReadonlyMap<string, EdgeJwtCredential>;
  /** Names of plugins configured anywhere (enabled), so unused plugins install nothing. */
  readonly pluginsInUse: ReadonlySet<string>;
}
