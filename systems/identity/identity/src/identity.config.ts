import { baseServiceConfigSchema, envBoolean, envEnum, envInteger } from '@archipelago/platform-config';
import { z } from 'zod';

/** Local-mode admin account (printed by `npm start`); production requires explicit values. */
export const LOCAL_ADMIN = { email: 'admin@archipelago.local', password: 'archipelago-admin' } as const;

/**
 * Passwords refused for the bootstrap admin outside local mode: the local default and the usual
 * suspects (compared case-insensitively). Production admin passwords need 12+ characters too.
 */
export const KNOWN_DEFAULT_PASSWORDS: readonly string[] = [
  LOCAL_ADMIN.password,
  'admin',
  'administrator',
  'changeme',
  'change-me',
  'password',
  'password1',
  'password123',
  'admin123',
  'admin1234',
  'administrator1',
  'letmein',
  'secret',
  'archipelago',
  '12345678',
  '123456789',
  '1234567890',
  'qwertyuiop',
];

/** Local mode (`npm start`, tests): NODE_ENV is `development` or `test`. Identity treats anything else as production. */
export const isLocalMode = (config: { NODE_ENV: string }): boolean =>
  config.NODE_ENV === 'development' || config.NODE_ENV === 'test';

/**
 * Configuration of the identity service: the platform contract plus
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `IDENTITY_ISSUER` | `iss` of tokens, base of discovery URLs (the devstack: `http://localhost:<edge port>/identity/v1`) | `http://localhost:8000/identity/v1` |
 * | `IDENTITY_AUDIENCE` | `aud` of tokens | `archipelago` |
 * | `IDENTITY_ACCESS_TOKEN_TTL_SECONDS` | access token lifetime, 60–900 | 900 |
 * | `IDENTITY_ADMIN_ACCESS_TOKEN_TTL_SECONDS` | lifetime of a token with the `admin` role, 60–300 | 300 |
 * | `IDENTITY_REFRESH_TOKEN_TTL_SECONDS` | idle lifetime of a session: a refresh token unused this long expires | 1209600 (14 days) |
 * | `IDENTITY_REFRESH_ABSOLUTE_TTL_SECONDS` | absolute lifetime of a session (refresh-token family) | 2592000 (30 days) |
 * | `IDENTITY_USER_SCOPES` | scopes a user may request (space-separated allow-list) | `openid profile email offline_access` |
 * | `IDENTITY_HASHING_CONCURRENCY`, `IDENTITY_HASHING_QUEUE_MAX` | password hashes at once, waiting at most (more: 503 + Retry-After) | 1, 32 |
 * | `IDENTITY_SIGNING_KEYS` | JSON JWK Set of private EC P-256 keys, current first | — |
 * | `IDENTITY_KEYS_DIR` | dir with `signing-keys.json` (local: generated; also `clients.json`) | local: `<repo>/.data/identity/keys` |
 * | `IDENTITY_CLIENTS` | JSON `[{id, secretHash \| secret, roles}]` for client_credentials | local: generated file |
 * | `IDENTITY_TOTP_ENCRYPTION_KEYS` | AES-256-GCM key ring of the TOTP secrets at rest: `<id>:<base64 of 32 bytes>` entries (space or comma separated), the sealing key first | local: generated `<keys dir>/totp-encryption-keys`; required in production |
 * | `IDENTITY_OIDC_CLIENTS` | JSON `[{id, public, redirectUris, postLogoutRedirectUris?, scopes?, secret \| secretHash?}]`: OpenID Connect clients | local: `archipelago-console` (public, http://localhost:5173/callback) |
 * | `IDENTITY_LOGIN_FREE_FAILURES`, `IDENTITY_LOGIN_MAX_DELAY_SECONDS` | per account: failures without delay, longest delay (s) | 5, 30 |
 * | `IDENTITY_LOGIN_IP_FREE_FAILURES`, `IDENTITY_LOGIN_IP_MAX_DELAY_SECONDS` | the same per client IP | 20, 900 |
 * | `IDENTITY_LOGIN_WINDOW_SECONDS` | a key's failures are forgotten this long after its last one | 900 |
 * | `IDENTITY_REQUIRE_VERIFIED_EMAIL` | `true`: an account whose e-mail address is not verified gets no token (password grant, login page) | `false` |
 * | `IDENTITY_EMAIL_VERIFICATION_TTL_SECONDS` | lifetime of an e-mail verification link | 86400 (24 h) |
 * | `IDENTITY_PASSWORD_RESET_TTL_SECONDS` | lifetime of a password reset link | 1800 (30 min) |
 * | `IDENTITY_MFA_REQUIRED_ROLES` | space-separated roles that must sign in with a second factor (TOTP); such a user without one enrols on the login page, the password grant refuses them; `none`: nobody | local: nobody; production: `admin` |
 * | `ADMIN_EMAIL`, `ADMIN_PASSWORD` | bootstrap admin | local defaults; required in production |
 * | `NODE_ENV` | as the platform, but the DEFAULT here is `production` | `production` |
 *
 * Fail closed: identity is in local mode only when `NODE_ENV` is explicitly `development` or
 * `test` (the devstack and the tests set it); unset means production. In production keys
 * (`IDENTITY_SIGNING_KEYS` or `IDENTITY_KEYS_DIR`), `IDENTITY_TOTP_ENCRYPTION_KEYS` and both admin variables are required, and the
 * admin password must have 12+ characters and not be a known default ({@link KNOWN_DEFAULT_PASSWORDS});
 * the service refuses to start otherwise, naming the variables.
 */
export const identityConfigSchema = baseServiceConfigSchema
  // safeExtend: NODE_ENV is redefined (same values, another default) on a schema with refinements.
  .safeExtend({
    NODE_ENV: envEnum(['development', 'test', 'production']).default('production'),
    IDENTITY_ISSUER: z
      .string()
      .url()
      .default('http://localhost:8000/identity/v1')
      .transform((s) => s.replace(/\/+$/, '')),
    IDENTITY_AUDIENCE: z.string().min(1).default('archipelago'),
    IDENTITY_ACCESS_TOKEN_TTL_SECONDS: envInteger(60, 900).default(900),
    IDENTITY_ADMIN_ACCESS_TOKEN_TTL_SECONDS: envInteger(60, 300).default(300),
    IDENTITY_REFRESH_TOKEN_TTL_SECONDS: envInteger(300, 90 * 24 * 3600).default(14 * 24 * 3600),
    IDENTITY_USER_SCOPES: z
      .string()
      .regex(/^[\x21\x23-\x5B\x5D-\x7E ]*$/, 'must be space-separated scope tokens')
      .default('openid profile email offline_access')
      .transform((s) => s.split(' ').filter((t) => t.length > 0)),
    IDENTITY_HASHING_CONCURRENCY: envInteger(1, 64).default(1),
    IDENTITY_HASHING_QUEUE_MAX: envInteger(0, 10_000).default(32),
    IDENTITY_REFRESH_ABSOLUTE_TTL_SECONDS: envInteger(300, 365 * 24 * 3600).default(30 * 24 * 3600),
    IDENTITY_SIGNING_KEYS: z.string().optional(),
    IDENTITY_KEYS_DIR: z.string().min(1).optional(),
    IDENTITY_CLIENTS: z.string().optional(),
    IDENTITY_TOTP_ENCRYPTION_KEYS: z.string().min(1).optional(),
    IDENTITY_OIDC_CLIENTS: z.string().optional(),
    IDENTITY_LOGIN_FREE_FAILURES: envInteger(1, 1000).default(5),
    IDENTITY_LOGIN_IP_FREE_FAILURES: envInteger(1, 100_000).default(20),
    IDENTITY_LOGIN_MAX_DELAY_SECONDS: envInteger(1, 3600).default(30),
    IDENTITY_LOGIN_IP_MAX_DELAY_SECONDS: envInteger(1, 24 * 3600).default(900),
    IDENTITY_LOGIN_WINDOW_SECONDS: envInteger(1, 24 * 3600).default(900),
    IDENTITY_REQUIRE_VERIFIED_EMAIL: envBoolean().default(false),
    IDENTITY_EMAIL_VERIFICATION_TTL_SECONDS: envInteger(300, 7 * 24 * 3600).default(24 * 3600),
    IDENTITY_PASSWORD_RESET_TTL_SECONDS: envInteger(60, 24 * 3600).default(30 * 60),
    IDENTITY_MFA_REQUIRED_ROLES: z
      .string()
      .regex(/^[a-z0-9_:-]*( [a-z0-9_:-]+)* ?$/, 'must be space-separated role names')
      .transform((s) => s.split(' ').filter((t) => t.length > 0 && t !== 'none'))
      .optional(),
    ADMIN_EMAIL: z.string().email('must be an e-mail address').optional(),
    ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(256).optional(),
  })
  .superRefine((config, ctx) => {
    if (isLocalMode(config)) return;
    for (const name of ['ADMIN_EMAIL', 'ADMIN_PASSWORD'] as const) {
      if (!config[name])
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required when NODE_ENV is production' });
    }
    const password = config.ADMIN_PASSWORD;
    if (password !== undefined) {
      if (KNOWN_DEFAULT_PASSWORDS.includes(password.trim().toLowerCase()))
        ctx.addIssue({
          code: 'custom',
          path: ['ADMIN_PASSWORD'],
          message: 'is a known default password: choose another',
        });
      else if (password.length < 12)
        ctx.addIssue({
          code: 'custom',
          path: ['ADMIN_PASSWORD'],
          message: 'must have at least 12 characters in production',
        });
    }
    if (!config.IDENTITY_TOTP_ENCRYPTION_KEYS)
      ctx.addIssue({
        code: 'custom',
        path: ['IDENTITY_TOTP_ENCRYPTION_KEYS'],
        message: 'is required when NODE_ENV is production (TOTP secrets are encrypted at rest)',
      });
    if (!config.IDENTITY_SIGNING_KEYS && !config.IDENTITY_KEYS_DIR) {
      ctx.addIssue({
        code: 'custom',
        path: ['IDENTITY_SIGNING_KEYS'],
        message: 'or IDENTITY_KEYS_DIR is required when NODE_ENV is production',
      });
    }
  });
export type IdentityConfig = z.output<typeof identityConfigSchema>;
