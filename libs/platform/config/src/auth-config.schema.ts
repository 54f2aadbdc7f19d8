import { z } from 'zod';
import { envInteger, envUrl } from './env-schemas.js';

/**
 * Default `AUTH_ISSUER`: identity's public base URL through the local edge on its default port. The
 * devstack sets `AUTH_ISSUER`/`IDENTITY_ISSUER` to `http://localhost:<edge port>/identity/v1` instead.
 */
export const DEFAULT_AUTH_ISSUER = 'http://localhost:8000/identity/v1';
/** Default `AUTH_AUDIENCE`: the audience of every Archipelago access token. */
export const DEFAULT_AUTH_AUDIENCE = 'archipelago';

/**
 * The environment contract of a service that validates access tokens (ARCHITECTURE §8), as a
 * shape to spread into a service schema: `baseServiceConfigSchema.extend({ ...authConfigShape, … })`.
 *
 * | variable | type | default |
 * |---|---|---|
 * | `AUTH_JWKS_URL` | `http(s)://` URL of identity's JWKS (RFC 7517) | required |
 * | `AUTH_ISSUER` | expected `iss` | `http://localhost:8000/identity/v1` |
 * | `AUTH_AUDIENCE` | expected `aud` | `archipelago` |
 * | `AUTH_CLOCK_TOLERANCE_SEC` | integer 0–300, leeway for `exp`/`nbf` | `5` |
 * | `AUTH_JWKS_COOLDOWN_MS` | integer 0–3 600 000, least time between refetches for an unknown `kid` | `30000` |
 */
export const authConfigShape = {
  AUTH_JWKS_URL: envUrl(['http', 'https']),
  AUTH_ISSUER: z.string().min(1).default(DEFAULT_AUTH_ISSUER),
  AUTH_AUDIENCE: z.string().min(1).default(DEFAULT_AUTH_AUDIENCE),
  AUTH_CLOCK_TOLERANCE_SEC: envInteger(0, 300).default(5),
  AUTH_JWKS_COOLDOWN_MS: envInteger(0, 3_600_000).default(30_000),
};

/** {@link authConfigShape} as a schema of its own. */
export const authConfigSchema = z.object(authConfigShape);

/** The validated auth configuration. */
export type AuthConfig = z.output<typeof authConfigSchema>;
