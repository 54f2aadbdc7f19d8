import { describe, expect, it } from 'vitest';
import { tasksConfigSchema } from './tasks.config.js';

const BASE = {
  SERVICE_NAME: 'tasks',
  SYSTEM: 'scheduling',
  HTTP_PORT: '8080',
  DATABASE_URL: 'postgres://localhost:5432/scheduling',
  DB_SCHEMA: 'tasks',
  AUTH_JWKS_URL: 'http://identity.identity:8080/identity/v1/.well-known/jwks.json',
};

const issues = (env: Record<string, string>) =>
  (tasksConfigSchema.safeParse({ ...BASE, ...env }).error?.issues ?? []).map(
    (i) => `${i.path.join('.')}: ${i.message}`,
  );

describe('tasks configuration: Idempotency-Key retention', () => {
  it('keeps keys 24 h and prunes every 5 min by default', () => {
    expect(tasksConfigSchema.parse(BASE)).toMatchObject({
      IDEMPOTENCY_KEY_RETENTION_HOURS: 24,
      IDEMPOTENCY_KEY_RETENTION_INTERVAL_SECONDS: 300,
    });
  });

  it('takes other windows, and an interval of 0 (off)', () => {
    expect(
      tasksConfigSchema.parse({
        ...BASE,
        IDEMPOTENCY_KEY_RETENTION_HOURS: '72',
        IDEMPOTENCY_KEY_RETENTION_INTERVAL_SECONDS: '0',
      }),
    ).toMatchObject({ IDEMPOTENCY_KEY_RETENTION_HOURS: 72, IDEMPOTENCY_KEY_RETENTION_INTERVAL_SECONDS: 0 });
  });

  it.each([['0'], ['8761'], ['1.5'], ['24h'], ['']])('refuses a retention of %j hours', (hours) => {
    expect(issues({ IDEMPOTENCY_KEY_RETENTION_HOURS: hours })).toEqual([
      'IDEMPOTENCY_KEY_RETENTION_HOURS: must be an integer between 1 and 8760',
    ]);
  });

  it.each([['-1'], ['86401'], ['5m']])('refuses an interval of %j seconds', (seconds) => {
    expect(issues({ IDEMPOTENCY_KEY_RETENTION_INTERVAL_SECONDS: seconds })).toEqual([
      'IDEMPOTENCY_KEY_RETENTION_INTERVAL_SECONDS: must be an integer between 0 and 86400',
    ]);
  });
});
