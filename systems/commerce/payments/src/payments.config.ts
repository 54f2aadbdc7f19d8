import { authConfigShape, baseServiceConfigSchema } from '@archipelago/platform-config';
import { z } from 'zod';

/**
 * Configuration of the payments service: the platform contract (DATABASE_URL, DB_SCHEMA,
 * MESSAGING_TRANSPORT, KAFKA_BROKERS, HTTP_PORT, …), the auth contract (`AUTH_JWKS_URL` required)
 * and the deployment's currency (`COMMERCE_CURRENCY`, default USD).
 */
export const paymentsConfigSchema = baseServiceConfigSchema.extend({
  ...authConfigShape,
  COMMERCE_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
    .default('USD'),
});
export type PaymentsConfig = z.output<typeof paymentsConfigSchema>;
