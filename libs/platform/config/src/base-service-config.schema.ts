import { z } from 'zod';
import { envEnum, envHostPortList, envIdentifier, envName, envPort, envUrl } from './env-schemas.js';

/** pino's level names, lowest to highest, plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

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
 * | `HOST` | interface to bind | `127.0.0.1` |
 * | `DATABASE_URL` | `postgres://` or `postgresql://` URL | required |
 * | `DB_SCHEMA` | SQL identifier (the service's schema) | required |
 * | `MESSAGING_TRANSPORT` | `postgres` \| `kafka` | `postgres` |
 * | `KAFKA_BROKERS` | `host:port,…` → `string[]` | required when the transport is `kafka` |
 * | `LOG_LEVEL` | pino level | `info` |
 * | `NODE_ENV` | `development` \| `test` \| `production` | `development` |
 *
 * A service adds its own variables with `baseServiceConfigSchema.extend({ … })`; the
 * KAFKA_BROKERS cross-field rule survives `extend` and runs even when other variables are bad,
 * so one run reports every problem.
 */
export const baseServiceConfigSchema = z
  .object({
    SERVICE_NAME: envName(),
    SYSTEM: envName(),
    HTTP_PORT: envPort(),
    GRPC_PORT: envPort().optional(),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: envUrl(['postgres', 'postgresql']),
    DB_SCHEMA: envIdentifier(),
    MESSAGING_TRANSPORT: envEnum(MESSAGING_TRANSPORTS).default('postgres'),
    KAFKA_BROKERS: envHostPortList().optional(),
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
  });

/** The validated base configuration: what every service's config has at least. */
export type BaseServiceConfig = z.output<typeof baseServiceConfigSchema>;
