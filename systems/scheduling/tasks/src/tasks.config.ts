import { authConfigShape, baseServiceConfigSchema, envInteger } from '@archipelago/platform-config';
import { z } from 'zod';

/**
 * Configuration of the scheduling/tasks service: the platform contract and the auth
 * contract (`AUTH_JWKS_URL` required; `AUTH_ISSUER`, `AUTH_AUDIENCE`, … with defaults),
 * and `ROLE`: `command` serves the writes, `query` the reads, `all` (the default, local) both.
 *
 * | variable | value | default |
 * |---|---|---|
 * | `REMINDER_POLL_MS` | integer ≥ 0: task reminder engine round interval (command role); `0` turns it off | `500` |
 * | `IDEMPOTENCY_KEY_RETENTION_HOURS` | integer 1–8760: an Idempotency-Key of `POST …/complete` replays its first answer at least this long; after it (and the next retention pass) a retry with it is a new request | `24` |
 * | `IDEMPOTENCY_KEY_RETENTION_INTERVAL_SECONDS` | integer 0–86400: pause between two passes deleting expired keys (command role); `0` turns them off | `300` |
 */
export const tasksConfigSchema = baseServiceConfigSchema.extend({
  ...authConfigShape,
  ROLE: z.enum(['command', 'query', 'all']).default('all'),
  /** Task reminder engine round interval in ms (command role); 0 turns the engine off. */
  REMINDER_POLL_MS: z.coerce.number().int().min(0).default(500),
  /** Hours an Idempotency-Key of a completion is kept (24 by default, the window Stripe keeps keys). */
  IDEMPOTENCY_KEY_RETENTION_HOURS: envInteger(1, 8760).default(24),
  /** Seconds between two passes of the Idempotency-Key retention (command role); 0 turns it off. */
  IDEMPOTENCY_KEY_RETENTION_INTERVAL_SECONDS: envInteger(0, 86_400).default(300),
});
export type TasksConfig = z.output<typeof tasksConfigSchema>;
