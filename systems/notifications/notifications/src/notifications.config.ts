import { authConfigShape, baseServiceConfigSchema, envEnum } from '@archipelago/platform-config';
import { z } from 'zod';
import { PUSH_HOST_PATTERN } from './entity/push/push-subscription.js';
import type { SmtpSettings, SmtpTls } from './gateway/nodemailer-email.gateway.js';

/** SMTP server outside production when neither SMTP_URL nor SMTP_HOST is set (the local mail sink). */
export const LOCAL_SMTP_HOST = 'localhost';
/** Links' base outside production when PUBLIC_BASE_URL is not set (the local edge). */
export const LOCAL_PUBLIC_BASE_URL = 'http://localhost:8000';

/**
 * Configuration of the notifications/notifications service: the platform contract, the auth
 * contract (`AUTH_JWKS_URL` required; `AUTH_ISSUER`, `AUTH_AUDIENCE`, … with defaults), SMTP
 * (`SMTP_URL`, or `SMTP_HOST`/`SMTP_PORT`/`SMTP_TLS`/`SMTP_USER`/`SMTP_PASSWORD`; `SMTP_FROM`),
 * the e-mail delivery job, the links' base (`PUBLIC_BASE_URL`), the stream, and web push (`VAPID_*`:
 * required in production, generated under `.data/` locally; `PUSH_*`).
 *
 * In production (`NODE_ENV=production`, as in the charts) there are no local fallbacks:
 * `PUBLIC_BASE_URL` is required, and so is `SMTP_URL` or `SMTP_HOST` while e-mail delivery is on
 * (`EMAIL_POLL_MS` > 0); the service refuses to start without them, naming the variables.
 */
export const notificationsConfigSchema = baseServiceConfigSchema
  .extend({
    ...authConfigShape,
    /**
     * `smtp://[user:pass@]host:port` or `smtps://…` (nodemailer's URL form: `?requireTLS=true` forces
     * STARTTLS); wins over SMTP_HOST/SMTP_PORT/SMTP_TLS/SMTP_USER/SMTP_PASSWORD. Holds a password: a secret.
     */
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    /** SMTP server. Default outside production: `localhost` (the local sink); production: this or SMTP_URL. */
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65_535).default(1025),
    /**
     * How the connection to SMTP_HOST is protected: `starttls` (upgrade, and refuse a server that
     * does not offer it; submission port 587, RFC 3207), `implicit` (TLS from the first byte; port
     * 465, RFC 8314) or `none` (plain text: a relay inside the cluster, the local sink). Default:
     * `starttls` in production, `none` otherwise.
     */
    SMTP_TLS: envEnum(['none', 'starttls', 'implicit']).optional(),
    /** SMTP AUTH user name (RFC 4954); with SMTP_PASSWORD, both or neither. Unset: no authentication. */
    SMTP_USER: z.string().min(1).optional(),
    /** SMTP AUTH password. A secret. */
    SMTP_PASSWORD: z.string().min(1).optional(),
    /** The From header of every e-mail. */
    SMTP_FROM: z.string().min(3).default('Archipelago <notifications@archipelago.local>'),
    /** E-mail delivery round interval (ms); 0 turns e-mail delivery off. */
    EMAIL_POLL_MS: z.coerce.number().int().min(0).default(500),
    /** Attempts of an e-mail before it is dead-lettered. */
    EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
    /** Backoff before the second attempt (ms), doubled per attempt up to EMAIL_MAX_BACKOFF_MS. */
    EMAIL_BACKOFF_MS: z.coerce.number().int().min(0).default(1_000),
    EMAIL_MAX_BACKOFF_MS: z.coerce.number().int().min(0).default(300_000),
    /** Public base URL the links in e-mails and push messages point to (the edge). Default outside production: `http://localhost:8000`. */
    PUBLIC_BASE_URL: z.url().optional(),
    /** VAPID public key (RFC 8292; uncompressed P-256, base64url). Required in production, with the two below. */
    VAPID_PUBLIC_KEY: z.string().min(1).optional(),
    /** VAPID private key (32 bytes, base64url). A secret. */
    VAPID_PRIVATE_KEY: z.string().min(1).optional(),
    /** Contact sent to push services: `mailto:` or `https:`. Default outside production: mailto:notifications@archipelago.local. */
    VAPID_SUBJECT: z
      .string()
      .regex(/^(mailto:|https:\/\/).+/, { error: 'must be a mailto: address or an https: URL' })
      .optional(),
    /** Outside production, without VAPID_*_KEY: dir of the generated `vapid-keys.json` (default `<repo>/.data/notifications/notifications/keys`). */
    VAPID_KEYS_DIR: z.string().min(1).optional(),
    /** Push delivery round interval (ms); 0 turns push delivery off. */
    PUSH_POLL_MS: z.coerce.number().int().min(0).default(500),
    /** Attempts of a push message (429, 5xx, network errors) before it is dead-lettered. */
    PUSH_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
    /** Backoff before the second push attempt (ms), doubled per attempt up to PUSH_MAX_BACKOFF_MS. */
    PUSH_BACKOFF_MS: z.coerce.number().int().min(0).default(1_000),
    PUSH_MAX_BACKOFF_MS: z.coerce.number().int().min(0).default(300_000),
    /** How long push services keep an undelivered message (s; RFC 8030 TTL), at most 4 weeks. */
    PUSH_TTL_SECONDS: z.coerce.number().int().min(0).max(2_419_200).default(86_400),
    /** Push subscriptions kept per user (the newest; one more deletes the oldest): bounds the fan-out. */
    PUSH_MAX_SUBSCRIPTIONS_PER_USER: z.coerce.number().int().min(1).max(1_000).default(10),
    /** Accept http: push endpoints (local push services). Default: true outside production, false in production. */
    PUSH_ALLOW_HTTP_ENDPOINTS: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    /**
     * Hosts push subscription endpoints may point to, comma-separated: a host name, `*.domain` (any
     * subdomain), an IPv4 or bracketed IPv6 address; any other endpoint is refused with 400
     * `PUSH_SUBSCRIPTION.ENDPOINT_NOT_ALLOWED` (SSRF). Default: the big browsers' push services
     * (`BROWSER_PUSH_SERVICE_HOSTS`), plus the loopback hosts outside production.
     */
    NOTIFICATIONS_PUSH_ALLOWED_HOSTS: z
      .string()
      .transform((list) =>
        list
          .split(',')
          .map((host) => host.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.string().regex(PUSH_HOST_PATTERN, { error: 'must be a host name, *.domain or an IP address' }))
          .min(1),
      )
      .optional(),
    /** Ping interval of the live stream (ms): below every proxy's idle timeout. */
    STREAM_PING_MS: z.coerce.number().int().min(1_000).default(25_000),
  })
  .superRefine((config, ctx) => {
    if ((config.SMTP_USER === undefined) !== (config.SMTP_PASSWORD === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [config.SMTP_USER === undefined ? 'SMTP_USER' : 'SMTP_PASSWORD'],
        message: 'SMTP_USER and SMTP_PASSWORD go together: set both or neither',
      });
    if (config.NODE_ENV !== 'production') return;
    if (!config.PUBLIC_BASE_URL)
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_BASE_URL'],
        message: 'is required when NODE_ENV is production (the links in e-mails and push messages)',
      });
    if (config.EMAIL_POLL_MS > 0 && !config.SMTP_URL && !config.SMTP_HOST)
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_HOST'],
        message: 'or SMTP_URL is required when NODE_ENV is production and e-mail delivery is on (EMAIL_POLL_MS > 0)',
      });
  });
export type NotificationsConfig = z.output<typeof notificationsConfigSchema>;

/**
 * The SMTP settings of a validated configuration: SMTP_URL when set, else host, port, TLS mode
 * (default `starttls` in production, `none` otherwise) and login, with the local sink's host
 * outside production.
 */
export function smtpSettingsOf(config: NotificationsConfig): SmtpSettings {
  const production = config.NODE_ENV === 'production';
  const tls: SmtpTls = config.SMTP_TLS ?? (production ? 'starttls' : 'none');
  return {
    url: config.SMTP_URL,
    host: config.SMTP_HOST ?? LOCAL_SMTP_HOST,
    port: config.SMTP_PORT,
    tls,
    auth: config.SMTP_USER && config.SMTP_PASSWORD ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD } : undefined,
    from: config.SMTP_FROM,
  };
}

/** PUBLIC_BASE_URL, or outside production the local edge ({@link LOCAL_PUBLIC_BASE_URL}). */
export function publicBaseUrlOf(config: NotificationsConfig): string {
  return config.PUBLIC_BASE_URL ?? LOCAL_PUBLIC_BASE_URL;
}
