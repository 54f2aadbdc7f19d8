import { authConfigShape, baseServiceConfigSchema } from '@archipelago/platform-config';
import { z } from 'zod';

/**
 * Configuration of the catalog service: the platform contract, the auth contract (`AUTH_JWKS_URL`
 * required; `AUTH_ISSUER`, `AUTH_AUDIENCE`, … with defaults) and the deployment's currency.
 */
export const catalogConfigSchema = baseServiceConfigSchema.extend({
  ...authConfigShape,
  COMMERCE_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
    .default('USD'),
  /** Low-stock threshold (available units) of a product created without one. */
  CATALOG_LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).max(1_000_000_000).default(5),
});
export type CatalogConfig = z.output<typeof catalogConfigSchema>;
