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
 * | `CATALOG_GRPC_AUDIENCE` | audience of the service token for catalog (its GRPC_AUDIENCE) | `catalog.commerce` |
 * | `SERVICE_CLIENT_ID`, `SERVICE_CLIENT_SECRET` | ordering's client-credentials client at identity | required |
 * | `AUTH_TOKEN_URL` | identity's token endpoint | AUTH_JWKS_URL's `…/.well-known/jwks.json` → `…/token` |
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
  CATALOG_GRPC_AUDIENCE: z.string().min(1).default('catalog.commerce'),
  SERVICE_CLIENT_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a client id'),
  SERVICE_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters'),
  AUTH_TOKEN_URL: z.string().url().optional(),
  ORDER_TIMEOUT_MS: envInteger(100, 86_400_000).default(30_000),
  ORDER_TIMEOUT_POLL_MS: envInteger(50, 60_000).default(1_000),
  ORDER_RETURN_WINDOW_MS: envInteger(0, 31_536_000_000).default(1_209_600_000),
});
export type OrderingConfig = z.output<typeof orderingConfigSchema>;

/** Identity's token endpoint: `AUTH_TOKEN_URL`, else derived from `AUTH_JWKS_URL` (identity's layout). */
export function tokenUrlOf(config: OrderingConfig): string {
  return config.AUTH_TOKEN_URL ?? config.AUTH_JWKS_URL.replace(/\/\.well-known\/jwks\.json$/, '/token');
}
