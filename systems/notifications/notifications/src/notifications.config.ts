import { authConfigShape, baseServiceConfigSchema } from '@archipelago/platform-config';
import type { z } from 'zod';

/**
 * Configuration of the notifications/notifications service: the platform contract and the auth
 * contract (`AUTH_JWKS_URL` required; `AUTH_ISSUER`, `AUTH_AUDIENCE`, … with defaults).
 */
export const notificationsConfigSchema = baseServiceConfigSchema.extend({
  ...authConfigShape,
});
export type NotificationsConfig = z.output<typeof notificationsConfigSchema>;
