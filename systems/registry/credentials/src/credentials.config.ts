import { authConfigShape, baseServiceConfigSchema } from '@archipelago/platform-config';
import type { z } from 'zod';

/**
 * Configuration of the registry/credentials service: the platform contract and the auth
 * contract (`AUTH_JWKS_URL` required; `AUTH_ISSUER`, `AUTH_AUDIENCE`, … with defaults).
 */
export const credentialsConfigSchema = baseServiceConfigSchema.extend({
  ...authConfigShape,
});
export type CredentialsConfig = z.output<typeof credentialsConfigSchema>;
