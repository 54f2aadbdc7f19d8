import { baseServiceConfigSchema } from '@archipelago/platform-config';
import { z } from 'zod';

/** Configuration of the catalog service: the platform contract plus the deployment's currency. */
export const catalogConfigSchema = baseServiceConfigSchema.extend({
  COMMERCE_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
    .default('USD'),
});
export type CatalogConfig = z.output<typeof catalogConfigSchema>;
