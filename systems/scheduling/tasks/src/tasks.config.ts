import { authConfigShape, baseServiceConfigSchema } from '@archipelago/platform-config';
import { z } from 'zod';

/**
 * Configuration of the scheduling/tasks service: the platform contract and the auth
 * contract (`AUTH_JWKS_URL` required; `AUTH_ISSUER`, `AUTH_AUDIENCE`, … with defaults),
 * and `ROLE`: `command` serves the writes, `query` the reads, `all` (the default, local) both.
 */
export const tasksConfigSchema = baseServiceConfigSchema.extend({
  ...authConfigShape,
  ROLE: z.enum(['command', 'query', 'all']).default('all'),
});
export type TasksConfig = z.output<typeof tasksConfigSchema>;
