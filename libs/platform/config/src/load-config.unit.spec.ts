import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { baseServiceConfigSchema } from './base-service-config.schema.js';
import { envPort } from './env-schemas.js';
import { ConfigError, configOrExit, loadConfig } from './load-config.js';

const valid = {
  SERVICE_NAME: 'catalog',
  SYSTEM: 'commerce',
  HTTP_PORT: '3101',
  DATABASE_URL: 'postgres://app:secret@localhost:5432/commerce',
  DB_SCHEMA: 'catalog',
};

function problemsOf(env: Record<string, string | undefined>, schema: z.ZodType = baseServiceConfigSchema): string[] {
  try {
    loadConfig(schema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig with the base service schema', () => {
  it('returns typed values with defaults applied', () => {
    const config = loadConfig(baseServiceConfigSchema, valid);
    expect(config).toEqual({
      ...valid,
      HTTP_PORT: 3101,
      HOST: '127.0.0.1',
      MESSAGING_TRANSPORT: 'postgres',
      MESSAGING_OUTBOX_RETENTION_HOURS: 168,
      MESSAGING_INBOX_RETENTION_HOURS: 336,
      MESSAGING_DEAD_LETTER_RETENTION_HOURS: 720,
      MESSAGING_RETENTION_INTERVAL_SECONDS: 300,
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
    });
  });

  it('names a missing variable as required', () => {
    const { DATABASE_URL: _, ...env } = valid;
    expect(() => loadConfig(baseServiceConfigSchema, env)).toThrow('Invalid configuration: DATABASE_URL is required');
  });

  it('treats an empty variable as missing', () => {
    expect(problemsOf({ ...valid, DB_SCHEMA: '' })).toEqual(['DB_SCHEMA is required']);
  });

  it.each(['0', '65536', 'abc', '80.5'])('rejects HTTP_PORT=%s', (port) => {
    expect(problemsOf({ ...valid, HTTP_PORT: port })).toEqual(['HTTP_PORT must be an integer between 1 and 65535']);
  });

  it('reports every bad variable in one message', () => {
    const { DATABASE_URL: _, ...env } = valid;
    let message = '';
    try {
      loadConfig(baseServiceConfigSchema, { ...env, HTTP_PORT: 'x', LOG_LEVEL: 'loud' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('HTTP_PORT must be an integer between 1 and 65535');
    expect(message).toContain('DATABASE_URL is required');
    expect(message).toContain('LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent');
  });

  it('requires KAFKA_BROKERS when the transport is kafka', () => {
    expect(problemsOf({ ...valid, MESSAGING_TRANSPORT: 'kafka' })).toEqual([
      'KAFKA_BROKERS is required when MESSAGING_TRANSPORT is kafka',
    ]);
  });

  it('reports the KAFKA_BROKERS rule alongside other problems', () => {
    expect(problemsOf({ ...valid, MESSAGING_TRANSPORT: 'kafka', HTTP_PORT: '-1' })).toEqual([
      'HTTP_PORT must be an integer between 1 and 65535',
      'KAFKA_BROKERS is required when MESSAGING_TRANSPORT is kafka',
    ]);
  });

  it('parses KAFKA_BROKERS into a list', () => {
    const config = loadConfig(baseServiceConfigSchema, {
      ...valid,
      MESSAGING_TRANSPORT: 'kafka',
      KAFKA_BROKERS: 'localhost:9092, kafka-1:9093',
    });
    expect(config.KAFKA_BROKERS).toEqual(['localhost:9092', 'kafka-1:9093']);
  });

  it('rejects a non-postgres DATABASE_URL without echoing its value', () => {
    const problems = problemsOf({ ...valid, DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(problems).toEqual(['DATABASE_URL must be a URL starting with postgres:// or postgresql://']);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('rejects a DB_SCHEMA that is not an identifier', () => {
    expect(problemsOf({ ...valid, DB_SCHEMA: 'drop table;' })).toEqual([
      'DB_SCHEMA must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)',
    ]);
  });

  it('parses the messaging retention settings; interval 0 turns retention off', () => {
    const config = loadConfig(baseServiceConfigSchema, {
      ...valid,
      MESSAGING_OUTBOX_RETENTION_HOURS: '24',
      MESSAGING_INBOX_RETENTION_HOURS: '24',
      MESSAGING_DEAD_LETTER_RETENTION_HOURS: '48',
      MESSAGING_RETENTION_INTERVAL_SECONDS: '0',
    });
    expect(config).toMatchObject({
      MESSAGING_OUTBOX_RETENTION_HOURS: 24,
      MESSAGING_INBOX_RETENTION_HOURS: 24,
      MESSAGING_DEAD_LETTER_RETENTION_HOURS: 48,
      MESSAGING_RETENTION_INTERVAL_SECONDS: 0,
    });
  });

  it('rejects an inbox retention shorter than the outbox retention', () => {
    const rule =
      'MESSAGING_INBOX_RETENTION_HOURS must be at least MESSAGING_OUTBOX_RETENTION_HOURS (a message that can still be redelivered must still be deduplicated)';
    expect(
      problemsOf({ ...valid, MESSAGING_OUTBOX_RETENTION_HOURS: '48', MESSAGING_INBOX_RETENTION_HOURS: '47' }),
    ).toEqual([rule]);
    // Against the default outbox retention (168 h), and alongside other problems.
    expect(problemsOf({ ...valid, MESSAGING_INBOX_RETENTION_HOURS: '100', HTTP_PORT: '0' })).toEqual([
      'HTTP_PORT must be an integer between 1 and 65535',
      rule,
    ]);
  });

  it.each([
    ['MESSAGING_OUTBOX_RETENTION_HOURS', '0', 'must be an integer between 1 and 87600'],
    ['MESSAGING_DEAD_LETTER_RETENTION_HOURS', '1.5', 'must be an integer between 1 and 87600'],
    ['MESSAGING_RETENTION_INTERVAL_SECONDS', '-1', 'must be an integer between 0 and 86400'],
  ])('rejects %s=%s', (name, value, reason) => {
    expect(problemsOf({ ...valid, [name]: value })).toEqual([`${name} ${reason}`]);
  });

  it('lets a service extend the schema and keeps the cross-field rule', () => {
    const schema = baseServiceConfigSchema.extend({ COMMERCE_CURRENCY: z.string().length(3), ADMIN_PORT: envPort() });
    const config = loadConfig(schema, { ...valid, COMMERCE_CURRENCY: 'EUR', ADMIN_PORT: '9000' });
    expect(config.COMMERCE_CURRENCY).toBe('EUR');
    expect(config.ADMIN_PORT).toBe(9000);
    expect(
      problemsOf({ ...valid, COMMERCE_CURRENCY: 'EUR', ADMIN_PORT: '9000', MESSAGING_TRANSPORT: 'kafka' }, schema),
    ).toEqual(['KAFKA_BROKERS is required when MESSAGING_TRANSPORT is kafka']);
    expect(
      problemsOf(
        { ...valid, COMMERCE_CURRENCY: 'EUR', ADMIN_PORT: '9000', MESSAGING_INBOX_RETENTION_HOURS: '1' },
        schema,
      ),
    ).toEqual([
      expect.stringMatching(/^MESSAGING_INBOX_RETENTION_HOURS must be at least MESSAGING_OUTBOX_RETENTION_HOURS/),
    ]);
    expect(problemsOf({ ...valid, ADMIN_PORT: '9000' }, schema)).toEqual(['COMMERCE_CURRENCY is required']);
  });
});

describe('configOrExit', () => {
  it('prints the problems to stderr and exits with code 1', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => configOrExit(baseServiceConfigSchema, { ...valid, HTTP_PORT: '99999' })).toThrow('exit 1');
      expect(stderr).toHaveBeenCalledWith('Invalid configuration: HTTP_PORT must be an integer between 1 and 65535\n');
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });

  it('returns the config when it is valid', () => {
    expect(configOrExit(baseServiceConfigSchema, valid).HTTP_PORT).toBe(3101);
  });
});
