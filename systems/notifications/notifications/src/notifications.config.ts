import { authConfigShape, baseServiceConfigSchema } from '@archipelago/platform-config';
import { z } from 'zod';

/**
 * Configuration of the notifications/notifications service: the platform contract, the auth
 * contract (`AUTH_JWKS_URL` required; `AUTH_ISSUER`, `AUTH_AUDIENCE`, … with defaults), SMTP
 * (`SMTP_URL`, or `SMTP_HOST`/`SMTP_PORT`; `SMTP_FROM`), the e-mail delivery job and the stream.
 */
export const notificationsConfigSchema = baseServiceConfigSchema.extend({
  ...authConfigShape,
  /** `smtp://[user:pass@]host:port` or `smtps://…`; wins over SMTP_HOST/SMTP_PORT. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  SMTP_HOST: z.string().min(1).default('localhost'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65_535).default(1025),
  /** The From header of every e-mail. */
  SMTP_FROM: z.string().min(3).default('Archipelago <notifications@archipelago.local>'),
  /** E-mail delivery round interval (ms); 0 turns e-mail delivery off. */
  EMAIL_POLL_MS: z.coerce.number().int().min(0).default(500),
  /** Attempts of an e-mail before it is dead-lettered. */
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  /** Backoff before the second attempt (ms), doubled per attempt up to EMAIL_MAX_BACKOFF_MS. */
  EMAIL_BACKOFF_MS: z.coerce.number().int().min(0).default(1_000),
  EMAIL_MAX_BACKOFF_MS: z.coerce.number().int().min(0).default(300_000),
  /** Public base URL the links in e-mails point to (the edge). */
  PUBLIC_BASE_URL: z.url().default('http://localhost:8000'),
  /** Ping interval of the live stream (ms): below every proxy's idle timeout. */
  STREAM_PING_MS: z.coerce.number().int().min(1_000).default(25_000),
});
export type NotificationsConfig = z.output<typeof notificationsConfigSchema>;
