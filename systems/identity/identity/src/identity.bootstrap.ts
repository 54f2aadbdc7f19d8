import { BoundedPasswordHasher } from './gateway/bounded.password-hasher.js';
import { DEFAULT_SCRYPT_COST, ScryptPasswordHasher, type ScryptCost } from './gateway/scrypt.password-hasher.js';
import { loadOidcClients } from './gateway/env.oidc-clients.js';
import { loadServiceClients } from './gateway/env.service-clients.js';
import type { OidcClientsPort } from './use-case/port/oidc-clients.port.js';
import { JoseAccessTokens } from './gateway/jose.access-tokens.js';
import { loadSigningKeys } from './gateway/signing-keys.js';
import { loadTotpSecretBox } from './gateway/aes-gcm.secret-box.js';
import type { SecretBoxPort } from './use-case/port/secret-box.port.js';
import { defaultKeysDir } from './gateway/workspace-paths.js';
import type { IdentityConfig } from './identity.config.js';
import { isLocalMode, LOCAL_ADMIN } from './identity.config.js';
import type { AccessTokensPort } from './use-case/port/access-tokens.port.js';
import { type GrpcTokenVerifier, InvalidTokenError } from '@archipelago/platform-auth';
import type { PasswordHasherPort } from './use-case/port/password-hasher.port.js';
import type { ServiceClientsPort } from './use-case/port/service-clients.port.js';
import type { IdentitySettings } from './use-case/port/identity-settings.port.js';

/** The adapters built outside Nest (they need start-up I/O: keys, client secrets). */
export interface IdentityAdapters {
  readonly accessTokens: AccessTokensPort;
  readonly passwordHasher: PasswordHasherPort;
  readonly serviceClients: ServiceClientsPort;
  readonly oidcClients: OidcClientsPort;
  /** Encrypts TOTP secrets at rest (AES-256-GCM; IDENTITY_TOTP_ENCRYPTION_KEYS, local: generated). */
  readonly totpSecretBox: SecretBoxPort;
}

/** The keys dir in effect: `IDENTITY_KEYS_DIR`, else (local mode) `<repo>/.data/identity/keys`. */
export function keysDirOf(config: IdentityConfig): string | undefined {
  return config.IDENTITY_KEYS_DIR ?? (isLocalMode(config) ? defaultKeysDir() : undefined);
}

/**
 * Builds the adapters that need start-up I/O: the signing key ring (generated on first local
 * start), the password hasher, the service clients and the TOTP secret box (its key generated on
 * first local start too).
 * @throws ConfigError naming the variable when keys or clients are missing or malformed
 */
export async function createIdentityAdapters(
  config: IdentityConfig,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<{ adapters: IdentityAdapters; localClientsFile?: string; signingKid: string }> {
  const production = !isLocalMode(config);
  const keysDir = keysDirOf(config);
  const ring = await loadSigningKeys({
    production,
    signingKeysJson: config.IDENTITY_SIGNING_KEYS,
    keysDir,
    defaultKeysDir: keysDir,
  });
  const scrypt = new ScryptPasswordHasher(cost);
  const passwordHasher = new BoundedPasswordHasher(scrypt, {
    concurrency: config.IDENTITY_HASHING_CONCURRENCY,
    maxQueued: config.IDENTITY_HASHING_QUEUE_MAX,
    retryAfterSeconds: 1,
  });
  const { clients, localFile } = await loadServiceClients(
    { json: config.IDENTITY_CLIENTS, production, keysDir },
    scrypt,
  );
  const accessTokens = new JoseAccessTokens(ring, {
    issuer: config.IDENTITY_ISSUER,
    audience: config.IDENTITY_AUDIENCE,
    ttlSeconds: config.IDENTITY_ACCESS_TOKEN_TTL_SECONDS,
    adminTtlSeconds: config.IDENTITY_ADMIN_ACCESS_TOKEN_TTL_SECONDS,
  });
  const oidcClients = await loadOidcClients({ json: config.IDENTITY_OIDC_CLIENTS, production }, scrypt);
  const totpSecretBox = await loadTotpSecretBox({
    production,
    keysText: config.IDENTITY_TOTP_ENCRYPTION_KEYS,
    keysDir,
  });
  return {
    adapters: { accessTokens, passwordHasher, serviceClients: clients, oidcClients, totpSecretBox },
    localClientsFile: localFile,
    signingKid: ring.current.kid,
  };
}

/**
 * Requests that send a security e-mail (password reset, a second registration of a known address),
 * per address: 3 at once, then progressive delays up to an hour (no mail-bombing through us).
 */
export const EMAIL_REQUEST_THROTTLE = { freeFailures: 3, maxDelaySeconds: 3600 } as const;

/** Use-case settings from the configuration. */
export function identitySettings(config: IdentityConfig): IdentitySettings {
  return {
    issuer: config.IDENTITY_ISSUER,
    refreshTokenTtlSeconds: config.IDENTITY_REFRESH_TOKEN_TTL_SECONDS,
    refreshAbsoluteTtlSeconds: config.IDENTITY_REFRESH_ABSOLUTE_TTL_SECONDS,
    loginAccountThrottle: {
      freeFailures: config.IDENTITY_LOGIN_FREE_FAILURES,
      maxDelaySeconds: config.IDENTITY_LOGIN_MAX_DELAY_SECONDS,
    },
    loginIpThrottle: {
      freeFailures: config.IDENTITY_LOGIN_IP_FREE_FAILURES,
      maxDelaySeconds: config.IDENTITY_LOGIN_IP_MAX_DELAY_SECONDS,
    },
    loginWindowSeconds: config.IDENTITY_LOGIN_WINDOW_SECONDS,
    userScopes: config.IDENTITY_USER_SCOPES,
    requireVerifiedEmail: config.IDENTITY_REQUIRE_VERIFIED_EMAIL,
    emailVerificationTtlSeconds: config.IDENTITY_EMAIL_VERIFICATION_TTL_SECONDS,
    passwordResetTtlSeconds: config.IDENTITY_PASSWORD_RESET_TTL_SECONDS,
    emailRequestThrottle: EMAIL_REQUEST_THROTTLE,
    mfaRequiredRoles: config.IDENTITY_MFA_REQUIRED_ROLES ?? (isLocalMode(config) ? [] : ['admin']),
  };
}

/** The bootstrap admin: configured values, else (never in production: config refuses) the local defaults. */
export function adminAccount(config: IdentityConfig): { email: string; password: string } {
  return { email: config.ADMIN_EMAIL ?? LOCAL_ADMIN.email, password: config.ADMIN_PASSWORD ?? LOCAL_ADMIN.password };
}

/**
 * The verifier of identity's own gRPC server: its signing keys (no JWKS round trip to itself),
 * tokens whose audience is `audience` (`identity.identity` unless GRPC_AUDIENCE says otherwise).
 */
export function identityGrpcVerifier(tokens: AccessTokensPort, audience: string): GrpcTokenVerifier {
  return {
    async verify(token) {
      const subject = await tokens.verify(token, audience).catch(() => {
        throw new InvalidTokenError('malformed', 'The access token is not valid for this service.');
      });
      return {
        id: subject.subject,
        roles: subject.roles,
        kind: subject.email === undefined ? 'client' : 'user',
        scopes: subject.scope?.split(' ') ?? [],
        ...(subject.email !== undefined && { email: subject.email }),
      };
    },
  };
}
