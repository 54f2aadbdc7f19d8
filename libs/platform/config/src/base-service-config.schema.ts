import { z } from 'zod';
import { envEnum, envHostPortList, envIdentifier, envInteger, envName, envPort, envUrl } from './env-schemas.js';

/** pino's level names, lowest to highest, plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Longest retention of a messaging table in hours (10 years). */
const MAX_RETENTION_HOURS = 87_600;

/** The two messaging transports behind the platform's messaging port (ARCHITECTURE §5). */
export const MESSAGING_TRANSPORTS = ['postgres', 'kafka'] as const;

/**
 * The environment contract every Archipelago service reads (ARCHITECTURE §1, §5, §9).
 *
 * | variable | type | default |
 * |---|---|---|
 * | `SERVICE_NAME`, `SYSTEM` | kebab-case name | required |
 * | `HTTP_PORT` | port 1–65535 | required |
 * | `GRPC_PORT` | port 1–65535 | none (no gRPC server) |
 * | `GRPC_AUDIENCE` | audience a caller's service token must name (RFC 8707 resource) | `<SERVICE_NAME>.<SYSTEM>` |
 * | `HOST` | interface to bind | `127.0.0.1` |
 * | `DATABASE_URL` | `postgres://` or `postgresql://` URL | required |
 * | `DB_SCHEMA` | SQL identifier (the service's schema) | required |
 * | `MESSAGING_TRANSPORT` | `postgres` \| `kafka` | `postgres` |
 * | `KAFKA_BROKERS` | `host:port,…` → `string[]` | required when the transport is `kafka` |
 * | `MESSAGING_OUTBOX_RETENTION_HOURS` | integer 1–87600: outbox rows kept this long after publishing (kafka) or writing (postgres: a consumer group lagging more misses the rest) | `168` (7 days) |
 * | `MESSAGING_INBOX_RETENTION_HOURS` | integer 1–87600, ≥ the outbox retention: processed-message ids kept for deduplication | `336` (14 days) |
 * | `MESSAGING_DEAD_LETTER_RETENTION_HOURS` | integer 1–87600: dead letters kept this long after their replay (unreplayed ones stay) | `720` (30 days) |
 * | `MESSAGING_RETENTION_INTERVAL_SECONDS` | integer 0–86400: pause between retention passes; `0` turns retention off | `300` |
 * | `LOG_LEVEL` | pino level | `info` |
 * | `NODE_ENV` | `development` \| `test` \| `production` | `development` |
 *
 * A service adds its own variables with `baseServiceConfigSchema.extend({ … })`; the cross-field
 * rules (KAFKA_BROKERS with kafka, inbox retention ≥ outbox retention) survive `extend` and run
 * even when other variables are bad, so one run reports every problem.
 */
export const baseServiceConfigSchema = z
  .object({
    SERVICE_NAME: envName(),
    SYSTEM: envName(),
    HTTP_PORT: envPort(),
    GRPC_PORT: envPort().optional(),
    GRPC_AUDIENCE: z.string().min(1).max(200).optional(),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: envUrl(['postgres', 'postgresql']),
    DB_SCHEMA: envIdentifier(),
    MESSAGING_TRANSPORT: envEnum(MESSAGING_TRANSPORTS).default('postgres'),
    KAFKA_BROKERS: envHostPortList().optional(),
    MESSAGING_OUTBOX_RETENTION_HOURS: envInteger(1, MAX_RETENTION_HOURS).default(168),
    MESSAGING_INBOX_RETENTION_HOURS: envInteger(1, MAX_RETENTION_HOURS).default(336),
    MESSAGING_DEAD_LETTER_RETENTION_HOURS: envInteger(1, MAX_RETENTION_HOURS).default(720),
    MESSAGING_RETENTION_INTERVAL_SECONDS: envInteger(0, 86_400).default(300),
    LOG_LEVEL: envEnum(LOG_LEVELS).default('info'),
    NODE_ENV: envEnum(['development', 'test', 'production']).default('development'),
  })
  .refine((config) => config.MESSAGING_TRANSPORT !== 'kafka' || (config.KAFKA_BROKERS?.length ?? 0) > 0, {
    path: ['KAFKA_BROKERS'],
    error: 'is required when MESSAGING_TRANSPORT is kafka',
    // Run the rule even when other variables failed, so every problem is reported at once.
    when: (payload) => {
      const value = payload.value as { MESSAGING_TRANSPORT?: unknown; KAFKA_BROKERS?: unknown } | undefined;
      return value?.MESSAGING_TRANSPORT === 'kafka' && value.KAFKA_BROKERS === undefined;
    },
  })
  .refine((config) => config.MESSAGING_INBOX_RETENTION_HOURS >= config.MESSAGING_OUTBOX_RETENTION_HOURS, {
    path: ['MESSAGING_INBOX_RETENTION_HOURS'],
    error:
      'must be at least MESSAGING_OUTBOX_RETENTION_HOURS (a message that can still be redelivered must still be deduplicated)',
    // Only when both parsed; then even when other variables failed.
    when: (payload) => {
      const value = payload.value as
        { MESSAGING_INBOX_RETENTION_HOURS?: unknown; MESSAGING_OUTBOX_RETENTION_HOURS?: unknown } | undefined;
      return (
        typeof value?.MESSAGING_INBOX_RETENTION_HOURS === 'number' &&
        typeof value.MESSAGING_OUTBOX_RETENTION_HOURS === 'number'
      );
    },
  });

/** The validated base configuration: what every service's config has at least. */
export type BaseServiceConfig = z.output<typeof baseServiceConfigSchema>;

/**
 * What a service's maintenance commands (`main.js migrate`, `main.js rebuild-projections`) read:
 * the database, the schema and the messaging transport, with the same rules and defaults as
 * {@link baseServiceConfigSchema} (retention settings default; `KAFKA_BROKERS` required with
 * kafka). Nothing about serving (ports, auth, other services' addresses), so an operator runs a
 * command with only `DATABASE_URL` and `DB_SCHEMA` set.
 */
export const maintenanceConfigSchema = z
  .object({
    DATABASE_URL: envUrl(['postgres', 'postgresql']),
    DB_SCHEMA: envIdentifier(),
    MESSAGING_TRANSPORT: envEnum(MESSAGING_TRANSPORTS).default('postgres'),
    KAFKA_BROKERS: envHostPortList().optional(),
    MESSAGING_OUTBOX_RETENTION_HOURS: envInteger(1, MAX_RETENTION_HOURS).default(168),
    MESSAGING_INBOX_RETENTION_HOURS: envInteger(1, MAX_RETENTION_HOURS).default(336),
    MESSAGING_DEAD_LETTER_RETENTION_HOURS: envInteger(1, MAX_RETENTION_HOURS).default(720),
    MESSAGING_RETENTION_INTERVAL_SECONDS: envInteger(0, 86_400).default(300),
  })
  .refine((config) => config.MESSAGING_TRANSPORT !== 'kafka' || (config.KAFKA_BROKERS?.length ?? 0) > 0, {
    path: ['KAFKA_BROKERS'],
    error: 'is required when MESSAGING_TRANSPORT is kafka',
    when: (payload) => {
      const value = payload.value as { MESSAGING_TRANSPORT?: unknown; KAFKA_BROKERS?: unknown } | undefined;
      return value?.MESSAGING_TRANSPORT === 'kafka' && value.KAFKA_BROKERS === undefined;
    },
  });

/** The validated configuration of a maintenance command. */
export type MaintenanceConfig = z.output<typeof maintenanceConfigSchema>;
