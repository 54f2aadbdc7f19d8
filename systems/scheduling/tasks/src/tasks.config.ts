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
  /** Task reminder engine round interval in ms (command role); 0 turns the engine off. */
  REMINDER_POLL_MS: z.coerce.number().int().min(0).default(500),
});
export type TasksConfig = z.output<typeof tasksConfigSchema>;
