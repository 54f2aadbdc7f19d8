import { authConfigShape, baseServiceConfigSchema } from '@archipelago/platform-config';
import type { z } from 'zod';

/**
 * Configuration of the registry/registry service: the platform contract and the auth
 * contract (`AUTH_JWKS_URL` required; `AUTH_ISSUER`, `AUTH_AUDIENCE`, … with defaults).
 */
export const registryConfigSchema = baseServiceConfigSchema.extend({
  ...authConfigShape,
});
export type RegistryConfig = z.output<typeof registryConfigSchema>;
