import { authConfigShape, baseServiceConfigSchema } from '@archipelago/platform-config';
import { z } from 'zod';

/**
 * Configuration of the registry/registry service: the platform contract and the auth
 * contract (`AUTH_JWKS_URL` required; `AUTH_ISSUER`, `AUTH_AUDIENCE`, … with defaults), and the
 * key-encryption keys of private fields (envelope encryption; read by the repository layer, also
 * in maintenance commands):
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | `REGISTRY_KEKS` | JSON JWK Set of 256-bit `oct` keys, current first (a Secret) | — |
 * | `REGISTRY_KEKS_DIR` | dir with `keks.json` (local: generated) | local: `<repo>/.data/registry/registry/keks` |
 */
export const registryConfigSchema = baseServiceConfigSchema.extend({
  ...authConfigShape,
  REGISTRY_KEKS: z.string().min(1).optional(),
  REGISTRY_KEKS_DIR: z.string().min(1).optional(),
});
export type RegistryConfig = z.output<typeof registryConfigSchema>;
