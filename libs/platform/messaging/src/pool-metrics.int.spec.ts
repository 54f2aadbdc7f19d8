import { createTestDatabase } from '@archipelago/testing-harness';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPoolMetrics } from './messaging.metrics.js';

// db_client_connection_* gauges read from a real pg.Pool on a real Postgres.
describe('connection-pool metrics', () => {
  let pool: pg.Pool;
  const registry = new Registry();

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await createTestDatabase('pool_metrics'), max: 2 });
    registerPoolMetrics(registry, { ordering: pool });
  });
  afterAll(async () => {
    await pool?.end();
  });

  const value = async (name: string, labels: Record<string, string>) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    return (metric?.values as Array<{ labels: Record<string, string>; value: number }> | undefined)?.find((v) =>
      Object.entries(labels).every(([k, l]) => v.labels[k] === l),
    )?.value;
  };

  it('reports used, idle and waiting connections and the maximum', async () => {
    expect(await value('db_client_connection_max', { pool_name: 'ordering' })).toBe(2);
    const first = await pool.connect();
    const second = await pool.connect();
    const waiting = pool.query('SELECT 1');
    try {
      expect(await value('db_client_connection_count', { pool_name: 'ordering', state: 'used' })).toBe(2);
      expect(await value('db_client_connection_count', { pool_name: 'ordering', state: 'idle' })).toBe(0);
      expect(await value('db_client_connection_pending_requests', { pool_name: 'ordering' })).toBe(1);
    } finally {
      first.release();
      second.release();
    }
    await waiting;
    expect(await value('db_client_connection_pending_requests', { pool_name: 'ordering' })).toBe(0);
    expect(await value('db_client_connection_count', { pool_name: 'ordering', state: 'used' })).toBe(0);
    expect(await value('db_client_connection_count', { pool_name: 'ordering', state: 'idle' })).toBe(2);
    expect(await registry.metrics()).toContain('db_client_connection_count{pool_name="ordering",state="idle"} 2');
  });
});
