import { authConfigShape, baseServiceConfigSchema, envInteger } from '@archipelago/platform-config';
import { z } from 'zod';

/**
 * Configuration of the ordering service: the platform contract, the auth contract
 * (`AUTH_JWKS_URL` required), the deployment's currency, catalog's gRPC address and the saga's timeout.
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `COMMERCE_CURRENCY` | ISO 4217 code of the deployment | `USD` |
 * | `CATALOG_GRPC_ADDRESS` | `host:port` of catalog's gRPC server (prices at placement) | required |
 * | `CATALOG_GRPC_DEADLINE_MS` | deadline of one GetProducts call | `2000` |
 * | `ORDER_TIMEOUT_MS` | a pending order not past payment capture is cancelled with `timeout` after this | `30000` |
 * | `ORDER_TIMEOUT_POLL_MS` | how often the timeout job looks for due orders | `1000` |
 * | `ORDER_RETURN_WINDOW_MS` | how long after delivery a customer may return an order | `1209600000` (14 days) |
 */
export const orderingConfigSchema = baseServiceConfigSchema.extend({
  ...authConfigShape,
  COMMERCE_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
    .default('USD'),
  CATALOG_GRPC_ADDRESS: z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'must be host:port'),
  CATALOG_GRPC_DEADLINE_MS: envInteger(50, 60_000).default(2_000),
  ORDER_TIMEOUT_MS: envInteger(100, 86_400_000).default(30_000),
  ORDER_TIMEOUT_POLL_MS: envInteger(50, 60_000).default(1_000),
  ORDER_RETURN_WINDOW_MS: envInteger(0, 31_536_000_000).default(1_209_600_000),
});
export type OrderingConfig = z.output<typeof orderingConfigSchema>;
