import { freePort } from '@archipelago/platform-local-postgres';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from './databases.js';
import { startWorkspaceProcess, type RunningProcess } from './processes.js';
import { testServiceEnv } from './service-behind-edge.js';

/**
 * One item a background job fires through the outbox (a reminder, …): a row of `table` in `schema`
 * with a `key` and a `fired_at` column, claimed with `FOR UPDATE SKIP LOCKED`, its message put in the
 * outbox and `fired_at` set in one transaction; its messages are the outbox rows of `messageType`
 * whose `payload->>payloadField` is `ownerId`.
 */
export interface FiredItemProbe {
  readonly schema: string;
  readonly table: string;
  /** Column of `table` naming the item's owner (e.g. `event_id`), compared with `ownerId`. */
  readonly ownerColumn: string;
  readonly ownerId: string;
  readonly messageType: string;
  readonly payloadField: string;
}

/** What a fault test reads of a {@link FiredItemProbe} through `pool`. */
interface FiredItemReads {
  /** The item's rows (`fired_at` null while not fired). */
  rows(): Promise<{ key: string; fired_at: Date | null }[]>;
  /** How many of its messages the outbox holds. */
  emitted(): Promise<number>;
  /** Its rows another transaction could claim now (none while a transaction holds them). */
  claimable(): Promise<string[]>;
}

/** Reads of `item` on `pool` (identifiers are the test's own, not user input). */
function firedItemReads(pool: pg.Pool, item: FiredItemProbe): FiredItemReads {
  const table = `"${item.schema}".${item.table}`;
  return {
    async rows() {
      const { rows } = await pool.query<{ key: string; fired_at: Date | null }>(
        `SELECT key, fired_at FROM ${table} WHERE ${item.ownerColumn} = $1`,
        [item.ownerId],
      );
      return rows;
    },
    async emitted() {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${item.schema}".outbox WHERE message_type = $1 AND payload->>$2 = $3`,
        [item.messageType, item.payloadField, item.ownerId],
      );
      return rows[0]!.n;
    },
    async claimable() {
      const { rows } = await pool.query<{ key: string }>(
        `SELECT key FROM ${table} WHERE ${item.ownerColumn} = $1 FOR UPDATE SKIP LOCKED`,
        [item.ownerId],
      );
      return rows.map((r) => r.key);
    },
  };
}

/**
 * A service whose background job fires timed items exactly once through the outbox (the reminder
 * engines of scheduling), for {@link describeTimerJobFaults}.
 */
export interface TimerJobService {
  /** `SYSTEM` of its processes, e.g. `scheduling`. */
  readonly system: string;
  /** `SERVICE_NAME` and `DB_SCHEMA` of its processes, e.g. `tasks`. */
  readonly service: string;
  /** Source path of its entry (compiled to dist/ before the suite), e.g. `systems/scheduling/tasks/src/main.ts`. */
  readonly entry: string;
  /** Environment of the processes running the job, beyond database, transport and auth (role, a short poll interval). */
  readonly env: Record<string, string>;
  /** The POST (path, JSON body; answered 201 `{id}`) creating something whose one item is due at `dueMs` (epoch ms, whole seconds). */
  readonly createDueAt: (title: string, dueMs: number) => { readonly path: string; readonly body: unknown };
  /** The item of what `createDueAt` made (its rows in the service's schema, its messages). */
  readonly item: (id: string) => Omit<FiredItemProbe, 'schema' | 'ownerId'>;
}

/** A running fault suite: a pool on the service's database, the processes started. */
interface FaultRun {
  readonly pool: pg.Pool;
  readonly running: RunningProcess[];
  /** Starts a process running the job (and the API) and waits until it is ready; its base URL. */
  start(name: string): Promise<{ readonly process: RunningProcess; readonly url: string }>;
  /** Creates the item's owner through `url` (`createDueAt`); the item. */
  create(url: string, title: string, dueMs: number): Promise<FiredItemProbe>;
}

/** Waits for the item to be marked fired, lets the job run more rounds for a second, expects one message. */
async function expectFiredOnce(reads: FiredItemReads): Promise<void> {
  await vi.waitFor(async () => expect((await reads.rows())[0]!.fired_at).not.toBeNull(), {
    timeout: 20_000,
    interval: 50,
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(await reads.emitted()).toBe(1);
}

/**
 * Once the item is planned (one row, not fired), SIGKILLs the only process running the job before `dueMs`;
 * nobody fires it until two replicas start at once after the due time; then it is fired and, a second of
 * further rounds later, emitted exactly once.
 */
async function firesOnceByReplicasAfterKillBeforeDue(run: FaultRun): Promise<void> {
  const first = await run.start('A');
  const dueMs = Math.ceil(Date.now() / 1000) * 1000 + 6_000;
  const reads = firedItemReads(run.pool, await run.create(first.url, 'Survive a crash', dueMs));
  await vi.waitFor(async () => expect(await reads.rows()).toHaveLength(1), { timeout: 10_000, interval: 50 });
  expect((await reads.rows())[0]!.fired_at).toBeNull();
  await first.process.kill();
  // Nobody runs the job while the item becomes due.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueMs - Date.now() + 300)));
  await Promise.all([run.start('B'), run.start('C')]);
  await expectFiredOnce(reads);
}

/**
 * Issue 16 §5 ("SIGKILL the service between due time and emission, restart, one event"), with no hook in
 * the service. While the item is planned and becomes due, the test holds an `EXCLUSIVE` lock on the
 * schema's outbox, so the job's firing transaction, once it has claimed the item (`FOR UPDATE SKIP
 * LOCKED`), waits on its outbox `INSERT`; the SIGKILL lands there. Expects, in order: a backend waits on
 * that INSERT after the due time with the item claimed; after the kill Postgres ends that backend and
 * rolls its transaction back (not fired, nothing emitted); a restarted process fires it, emitted once.
 * Planning must write no outbox row (it goes on under the lock).
 */
async function firesOnceAfterKillInsideItsTransaction(run: FaultRun): Promise<void> {
  // Only the process under test runs the job.
  await Promise.all(run.running.splice(0).map((p) => p.stop()));
  const first = await run.start('D');
  const dueMs = Math.ceil(Date.now() / 1000) * 1000 + 8_000;
  const item = await run.create(first.url, 'Killed while firing', dueMs);
  const pool = run.pool;
  const reads = firedItemReads(pool, item);
  // The lock is taken right after the item's owner is created, before the due time, whatever the load.
  const locker = await pool.connect();
  let blocked: number;
  try {
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE "${item.schema}".outbox IN EXCLUSIVE MODE`);
    await vi.waitFor(async () => expect(await reads.rows()).toHaveLength(1), { timeout: 10_000, interval: 50 });
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
    // The item is claimed (row-locked by that transaction) and not marked fired.
    expect(await reads.claimable()).toEqual([]);
    await first.process.kill();
  } finally {
    await locker.query('COMMIT');
    locker.release();
  }
  // Postgres ends the dead client's backend, rolling its transaction back: nothing emitted, nothing fired.
  await vi.waitFor(
    async () => expect((await pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [blocked])).rows).toEqual([]),
    { timeout: 15_000, interval: 50 },
  );
  expect((await reads.rows())[0]!.fired_at).toBeNull();
  expect(await reads.emitted()).toBe(0);
  await run.start('E');
  await expectFiredOnce(reads);
}

/**
 * The fault tests of a timer job that fires items exactly once through the outbox, with real processes
 * of the compiled service on a fresh database (migrated by its `migrate` command; kafka transport when
 * the suite has a broker) and tokens of a test issuer: (1) planned by a process SIGKILLed before the due
 * time, raced for by two replicas started after it; (2) SIGKILLed inside its firing transaction, after
 * the due time, then restarted. Each expects the item fired and its message in the outbox exactly once.
 */
export function describeTimerJobFaults(name: string, job: TimerJobService): void {
  describe(name, () => {
    let issuer: TestIssuer;
    let run: FaultRun;
    const running: RunningProcess[] = [];

    beforeAll(async () => {
      issuer = await startTestIssuer();
      const token = await issuer.issue({
        sub: '9d3f4b2a-6c1e-4f7a-8b5d-0e2c1a3b4d5f',
        roles: ['customer'],
        email: 'ann@example.com',
        expiresInSec: 900,
      });
      const databaseUrl = await createTestDatabase(`${job.system}_e2e`);
      const env = testServiceEnv({ system: job.system, service: job.service, databaseUrl, auth: issuer });
      await startWorkspaceProcess({ name: `${job.service} migrate`, entry: job.entry, args: ['migrate'], env });
      run = {
        pool: new pg.Pool({ connectionString: databaseUrl, max: 3 }),
        running,
        async start(label) {
          const port = await freePort();
          const process = await startWorkspaceProcess({
            name: `${job.service} ${label}`,
            entry: job.entry,
            env: { ...env, ...job.env, HTTP_PORT: String(port) },
            readyUrl: `http://127.0.0.1:${port}/health/ready`,
          });
          running.push(process);
          return { process, url: `http://127.0.0.1:${port}` };
        },
        async create(url, title, dueMs) {
          const { path, body } = job.createDueAt(title, dueMs);
          const created = await fetch(`${url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify(body),
          });
          expect(created.status).toBe(201);
          const { id } = (await created.json()) as { id: string };
          return { ...job.item(id), schema: job.service, ownerId: id };
        },
      };
    });

    afterAll(async () => {
      await Promise.all(running.map((p) => p.stop()));
      await run?.pool.end();
      await issuer?.close();
    });

    it('an item planned by a process SIGKILLed before it is due fires once when two replicas start after the due time', () =>
      firesOnceByReplicasAfterKillBeforeDue(run));

    it(
      'a process SIGKILLed inside its firing transaction (after the due time, item claimed, outbox not yet written) emits nothing; the restarted one fires the item once',
      () => firesOnceAfterKillInsideItsTransaction(run),
      180_000, // three process starts and stops: a budget for a loaded machine, not an assertion
    );
  });
}
