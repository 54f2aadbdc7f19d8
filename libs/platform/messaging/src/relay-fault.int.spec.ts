import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { platformSchemaSql } from '@archipelago/platform-event-store';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inbox } from './inbox.js';
import { Messaging } from './messaging.js';

// Fault test with real processes: the publishing process is SIGKILLed between commit and publish,
// and between publish and acknowledgement; after a restart every event reaches the consumer, and
// the inbox makes each take effect exactly once.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const child = join(root, 'dist/libs/platform/messaging/fault/relay-crash.child.js');

function runChild(args: string[], env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', join(root, 'tools/register.mjs'), child, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

async function eventually(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('outbox relay survives being killed (kafka transport)', () => {
  let pool: pg.Pool;
  let consumer: Messaging;
  let env: Record<string, string>;
  let deliveries = 0;
  const topic = `faultsys.pub.fault-${randomBytes(3).toString('hex')}.v1`;
  const effects = async () =>
    (await pool.query<{ i: number; n: number }>('SELECT i, count(*)::int AS n FROM sub.effects GROUP BY i ORDER BY i')).rows;

  beforeAll(async () => {
    if (!existsSync(child)) throw new Error(`${child} is missing: build first (npm test does)`);
    const url = await createTestDatabase('relay_fault');
    pool = new pg.Pool({ connectionString: url, max: 5 });
    await pool.query(platformSchemaSql('pub'));
    await pool.query(platformSchemaSql('sub'));
    await pool.query('CREATE TABLE sub.effects (i int not null)');
    env = { FAULT_DB_URL: url, FAULT_SCHEMA: 'pub', FAULT_BROKERS: kafkaBrokers(), FAULT_TOPIC: topic };
    consumer = new Messaging({
      transport: 'kafka',
      kafkaBrokers: [kafkaBrokers()],
      system: 'faultsys',
      service: 'sub',
      schema: 'sub',
      pool,
      databaseUrl: url,
    });
    await consumer.ensureTopics([topic]);
    const inbox = new Inbox(pool, 'sub', 'faultsys.sub');
    await consumer.subscribe('faultsys.sub', [topic], async (message) => {
      deliveries++;
      await inbox.handleOnce(message, async (client) => {
        await client.query('INSERT INTO sub.effects (i) VALUES ($1)', [(message.payload as { i: number }).i]);
      });
    });
  });

  afterAll(async () => {
    await consumer?.close();
    await pool?.end();
  });

  it('killed after commit, before publish: the restarted relay publishes everything, each effect once', async () => {
    const died = await runChild(['write-then-die', '20'], env);
    expect(died.signal).toBe('SIGKILL');
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM pub.outbox WHERE published_at IS NULL');
    expect(rows[0].n).toBe(20); // committed, not published

    expect((await runChild(['relay'], env)).code).toBe(0);
    await eventually(async () => (await effects()).length === 20);
    expect((await effects()).every((r) => r.n === 1)).toBe(true);
  });

  it('killed after Kafka acknowledged, before marking published: redelivered, deduplicated by the inbox', async () => {
    await pool.query('TRUNCATE sub.effects');
    await pool.query('DELETE FROM pub.outbox');
    deliveries = 0;
    expect((await runChild(['write-then-die', '14'], env)).signal).toBe('SIGKILL');
    const crashed = await runChild(['send-then-die'], env);
    expect(crashed.signal).toBe('SIGKILL');
    // The first batch (7 rows) reached Kafka but is still unpublished in the outbox.
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM pub.outbox WHERE published_at IS NULL');
    expect(rows[0].n).toBe(14);

    expect((await runChild(['relay'], env)).code).toBe(0);
    await eventually(async () => (await effects()).length === 14);
    await eventually(async () => deliveries >= 21); // 7 duplicates arrived …
    expect((await effects()).every((r) => r.n === 1)).toBe(true); // … and changed nothing
  });
});
