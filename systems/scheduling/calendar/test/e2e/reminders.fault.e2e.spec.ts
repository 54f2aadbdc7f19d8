import { freePort } from '@archipelago/platform-local-postgres';
import { CALENDAR_EVENTS } from '@archipelago/scheduling-contracts';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import {
  createTestDatabase,
  kafkaBrokers,
  startWorkspaceProcess,
  type RunningProcess,
} from '@archipelago/testing-harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Fault tests of the calendar reminder engine with real processes (compiled calendar service,
// ROLE=command, real Postgres). 1: a reminder is planned by one process, which is SIGKILLed before the
// reminder is due; after the due time two replicas start at once and race for it. 2: the process is
// SIGKILLed after the due time, inside its firing transaction (it has claimed the reminder and waits to
// write the outbox); a restarted process fires it. Either way ReminderDueV1 is put in the outbox exactly
// once (FOR UPDATE SKIP LOCKED claim, outbox insert and fired mark in one transaction).
let issuer: TestIssuer;
let ann: string;
let pool: pg.Pool;
let env: Record<string, string>;
const running: RunningProcess[] = [];
const entry = 'systems/scheduling/calendar/src/main.ts';

async function startCommandRole(name: string): Promise<{ process: RunningProcess; url: string }> {
  const port = await freePort();
  const process = await startWorkspaceProcess({
    name,
    entry,
    env: { ...env, ROLE: 'command', HTTP_PORT: String(port), REMINDER_POLL_MS: '100' },
    readyUrl: `http://127.0.0.1:${port}/health/ready`,
  });
  running.push(process);
  return { process, url: `http://127.0.0.1:${port}` };
}

/** Creates (through `url`, a command role) an event an hour from now with one reminder at `dueMs`; its id. */
async function eventWithReminderAt(url: string, title: string, dueMs: number): Promise<string> {
  const startMs = Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000;
  const created = await fetch(`${url}/scheduling/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ann}` },
    body: JSON.stringify({
      title,
      start: new Date(startMs).toISOString().slice(0, 19),
      end: new Date(startMs + 1_800_000).toISOString().slice(0, 19),
      timeZone: 'UTC',
      reminders: [{ at: new Date(dueMs).toISOString() }],
    }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

/** The planned reminder rows of an event. */
async function remindersOf(eventId: string): Promise<{ key: string; fired_at: Date | null }[]> {
  const { rows } = await pool.query<{ key: string; fired_at: Date | null }>(
    `SELECT key, fired_at FROM "calendar".reminders WHERE event_id = $1`,
    [eventId],
  );
  return rows;
}

/** How many ReminderDueV1 of an event the outbox holds. */
async function emittedFor(eventId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "calendar".outbox WHERE message_type = $1 AND payload->>'eventId' = $2`,
    [CALENDAR_EVENTS.ReminderDueV1.type, eventId],
  );
  return rows[0]!.n;
}

beforeAll(async () => {
  issuer = await startTestIssuer();
  ann = await issuer.issue({
    sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f',
    roles: ['customer'],
    email: 'ann@example.com',
    expiresInSec: 900,
  });
  const databaseUrl = await createTestDatabase('scheduling_e2e');
  env = {
    SERVICE_NAME: 'calendar',
    SYSTEM: 'scheduling',
    DATABASE_URL: databaseUrl,
    DB_SCHEMA: 'calendar',
    ...(kafkaBrokers()
      ? { MESSAGING_TRANSPORT: 'kafka', KAFKA_BROKERS: kafkaBrokers() }
      : { MESSAGING_TRANSPORT: 'postgres' }),
    LOG_LEVEL: 'warn',
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
  };
  await startWorkspaceProcess({ name: 'calendar migrate', entry, args: ['migrate'], env });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
});

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await pool?.end();
  await issuer?.close();
});

describe('calendar reminder engine under faults (real processes)', () => {
  it('a reminder planned by a process SIGKILLed before it is due fires once when two replicas start after the due time', async () => {
    const first = await startCommandRole('calendar command A');
    const dueMs = Math.ceil(Date.now() / 1000) * 1000 + 6_000;
    const id = await eventWithReminderAt(first.url, 'Survive a crash', dueMs);
    const reminder = () => remindersOf(id);
    await vi.waitFor(async () => expect(await reminder()).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect((await reminder())[0]!.fired_at).toBeNull();
    await first.process.kill();
    // Nobody runs the engine while the reminder becomes due.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueMs - Date.now() + 300)));
    await Promise.all([startCommandRole('calendar command B'), startCommandRole('calendar command C')]);
    await vi.waitFor(async () => expect((await reminder())[0]!.fired_at).not.toBeNull(), {
      timeout: 20_000,
      interval: 50,
    });
    // More rounds of both replicas: still one message.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await emittedFor(id)).toBe(1);
  });

  it('a process SIGKILLed inside its firing transaction (after the due time, reminder claimed, outbox not yet written) emits nothing; the restarted one fires the reminder once', async () => {
    // Only the process under test runs the engine.
    await Promise.all(running.splice(0).map((p) => p.stop()));
    const first = await startCommandRole('calendar command D');
    const dueMs = Math.ceil(Date.now() / 1000) * 1000 + 8_000;
    const id = await eventWithReminderAt(first.url, 'Killed while firing', dueMs);
    const reminder = () => remindersOf(id);
    const emitted = () => emittedFor(id);
    // No production hook: the test holds an EXCLUSIVE lock on the outbox table (from before the due
    // time, whatever the machine's load), so the engine's firing transaction, once it has claimed the due
    // reminder (SELECT … FOR UPDATE SKIP LOCKED), waits on its outbox INSERT — the kill lands between the
    // claim and the commit. (Planning writes no outbox row: it goes on meanwhile.)
    const locker = await pool.connect();
    let blocked: number;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "calendar".outbox IN EXCLUSIVE MODE');
      await vi.waitFor(async () => expect(await reminder()).toHaveLength(1), { timeout: 10_000, interval: 50 });
      blocked = await vi.waitFor(
        async () => {
          const { rows } = await pool.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO%outbox%'`,
          );
          expect(rows).toHaveLength(1);
          return rows[0]!.pid;
        },
        { timeout: 15_000, interval: 50 },
      );
      expect(Date.now()).toBeGreaterThanOrEqual(dueMs);
      // The reminder is claimed (row-locked by that transaction) and not marked fired.
      const claimable = await pool.query(
        `SELECT key FROM "calendar".reminders WHERE event_id = $1 FOR UPDATE SKIP LOCKED`,
        [id],
      );
      expect(claimable.rows).toEqual([]);
      await first.process.kill();
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
    // Postgres ends the dead client's backend, rolling its transaction back: nothing emitted, nothing fired.
    await vi.waitFor(
      async () =>
        expect((await pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [blocked])).rows).toEqual([]),
      { timeout: 15_000, interval: 50 },
    );
    expect((await reminder())[0]!.fired_at).toBeNull();
    expect(await emitted()).toBe(0);
    await startCommandRole('calendar command E');
    await vi.waitFor(async () => expect((await reminder())[0]!.fired_at).not.toBeNull(), {
      timeout: 20_000,
      interval: 50,
    });
    // More rounds: still one message.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await emitted()).toBe(1);
  }, 180_000); // three process starts and stops: a budget for a loaded machine, not an assertion
});
