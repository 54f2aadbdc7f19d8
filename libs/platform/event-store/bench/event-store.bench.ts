/**
 * `npm run bench`: appends of the event store against raw `pg` INSERTs of the same rows.
 *
 * Starts its own embedded Postgres (temporary data directory), then measures, for 1- and 10-event
 * appends at 1 and 8 concurrent writers (each writer on its own pooled connection, each append in
 * its own transaction):
 *  - `raw`            one multi-row INSERT into an identical `events` table (same DDL: indexes,
 *                     unique constraints, defaults) — the baseline;
 *  - `raw+outbox`     the same plus one multi-row INSERT into an identical `outbox` table;
 *  - `es`             `PostgresEventStore.append` to a new stream (`expectedVersion: 'no_stream'`);
 *  - `es+outbox`      `append` + `Outbox.add` of one message per event (what a service does);
 *  - `es-existing`    `append` to streams that already exist, at their exact expected version;
 *  - `emmett`         Emmett's PostgreSQL event store (`@event-driven-io/emmett-postgresql`)
 *                     `appendToStream` of the same events (same data and metadata) to a new stream
 *                     (`STREAM_DOES_NOT_EXIST`), in the same database, in its own tables as Emmett
 *                     creates them (`emt_streams`, `emt_messages`, public schema). Emmett opens its
 *                     own transaction per append, like the `es` case does here.
 * Cases are interleaved and repeated (rounds): many short slices rather than a few long ones, because
 * on a shared machine the background load drifts within seconds. Throughput and latency figures are
 * medians over the rounds; a ratio is the median over the rounds of (case / baseline of the same
 * round), both measured seconds apart, so drift between rounds cancels out. A second table gives the
 * cost per append on one connection — CPU time of the client and of the Postgres backend, WAL bytes —
 * figures that, unlike throughput, other processes on the machine barely distort. Prints a table and writes
 * `reports/bench/event-store.json`. No assertions: figures only.
 *
 * Environment: BENCH_SECONDS (measured seconds per case and round, default 1),
 * BENCH_WARMUP_SECONDS (default 0.3), BENCH_ROUNDS (default 5), BENCH_WRITERS (default "1,8"),
 * BENCH_EVENTS (default "1,10"), BENCH_CASES (default "raw,raw+outbox,es,es+outbox,es-existing,emmett";
 * also available: "es+outbox+notify", the outbox with the NOTIFY wake-up the Kafka transport uses),
 * BENCH_COST_APPENDS (appends per case of the cost-per-append table, default 400; 0 skips it),
 * BENCH_REPORT (JSON path, default reports/bench/event-store.json).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startLocalPostgres, type LocalPostgres } from '@archipelago/platform-local-postgres';
import {
  inTransaction,
  platformSchemaSql,
  PostgresEventStore,
  type EventMetadata,
  type NewEvent,
  type SqlClient,
} from '../src/index.js';

// The outbox lives in @archipelago/platform-messaging, which itself depends on this project: a
// static import would make a project-graph cycle (event-store <-> messaging) for Nx. A dynamic import
// of a non-literal specifier is invisible to the graph; the register hook resolves it at run time.
interface OutgoingMessageLike {
  topic: string;
  key: string;
  type: string;
  payload: unknown;
  traceparent?: string;
  headers?: Record<string, string>;
}
interface OutboxLike {
  add(client: SqlClient, messages: readonly OutgoingMessageLike[]): Promise<string[]>;
}
type OutboxCtor = new (schema: string, options?: { notifyChannel?: string }) => OutboxLike;

const CASES = ['raw', 'raw+outbox', 'es', 'es+outbox', 'es-existing', 'es+outbox+notify', 'emmett'] as const;
type CaseName = (typeof CASES)[number];
const CASE_LABELS: Record<CaseName, string> = {
  raw: 'raw pg INSERT (baseline)',
  'raw+outbox': 'raw pg INSERT + outbox INSERT',
  es: 'event store append',
  'es+outbox': 'event store append + Outbox.add',
  'es-existing': 'event store append, existing stream',
  'es+outbox+notify': 'event store + Outbox.add + NOTIFY',
  emmett: 'Emmett appendToStream (peer)',
};
/** Cases compared with Emmett in the same round ("vs Emmett" column). */
const VS_EMMETT: readonly CaseName[] = ['es', 'es-existing', 'raw'];
/** Baseline each case is compared with, besides `raw`. */
const PAIRED_BASELINE: Partial<Record<CaseName, CaseName>> = {
  'es+outbox': 'raw+outbox',
  'es+outbox+notify': 'raw+outbox',
};

const ES_SCHEMA = 'bench_es';
const RAW_SCHEMA = 'bench_raw';
const EXISTING_STREAMS_PER_WRITER = 20;

function numberList(value: string | undefined, fallback: number[]): number[] {
  if (!value) return fallback;
  const list = value.split(',').map((v) => Number(v.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`Expected positive integers, got "${value}"`);
  return list;
}

const config = {
  seconds: Number(process.env.BENCH_SECONDS ?? 1),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 0.3),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  writers: numberList(process.env.BENCH_WRITERS, [1, 8]),
  events: numberList(process.env.BENCH_EVENTS, [1, 10]),
  cases: (process.env.BENCH_CASES ?? 'raw,raw+outbox,es,es+outbox,es-existing,emmett')
    .split(',')
    .map((c) => c.trim()) as CaseName[],
  costAppends: Number(process.env.BENCH_COST_APPENDS ?? 400),
  report: resolve(process.env.BENCH_REPORT ?? 'reports/bench/event-store.json'),
};
for (const c of config.cases)
  if (!CASES.includes(c)) throw new Error(`Unknown case "${c}"; known: ${CASES.join(', ')}`);
if (!(config.seconds > 0) || !(config.warmupSeconds >= 0) || !(config.rounds >= 1)) {
  throw new Error('BENCH_SECONDS must be > 0, BENCH_WARMUP_SECONDS >= 0, BENCH_ROUNDS >= 1');
}

// ---------------------------------------------------------------------------------------------
// Workload: what one append writes. Same rows, same JSON for every case.

const TOPIC = 'commerce.orders.order-line-added.v1';
const MESSAGE_TYPE = 'archipelago.commerce.orders.OrderLineAddedV1';
const EVENT_TYPE = 'OrderLineAdded';

interface Batch {
  streamId: string;
  events: NewEvent[];
  metadata: EventMetadata;
}

function newBatch(streamId: string, size: number, firstLine: number): Batch {
  const correlationId = randomUUID();
  const metadata: EventMetadata = {
    correlationId,
    causationId: randomUUID(),
    actor: 'user-4711',
    traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
  };
  const events: NewEvent[] = [];
  for (let i = 0; i < size; i++) {
    events.push({
      type: EVENT_TYPE,
      data: {
        orderId: streamId,
        line: firstLine + i,
        sku: `SKU-${(firstLine + i) % 1000}`.padEnd(12, '0'),
        quantity: 1 + (i % 5),
        unitPrice: { amount: '19.99', currency: 'EUR' },
        note: 'gift wrap, deliver to the back door',
        addedAt: new Date().toISOString(),
      },
    });
  }
  return { streamId, events, metadata };
}

function messagesOf(batch: Batch): OutgoingMessageLike[] {
  return batch.events.map((e) => ({
    topic: TOPIC,
    key: batch.streamId,
    type: MESSAGE_TYPE,
    payload: e.data,
    traceparent: batch.metadata.traceparent,
    headers: { correlationId: String(batch.metadata.correlationId) },
  }));
}

/** Multi-row INSERT statements of the baseline, cached per batch size. */
const rawSqlCache = new Map<string, string>();
function rawEventsSql(n: number): string {
  const key = `events:${n}`;
  let sql = rawSqlCache.get(key);
  if (!sql) {
    const rows = Array.from({ length: n }, (_, i) => {
      const p = i * 7;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7})`;
    });
    sql = `INSERT INTO ${RAW_SCHEMA}.events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata) VALUES ${rows.join(', ')}`;
    rawSqlCache.set(key, sql);
  }
  return sql;
}
function rawOutboxSql(n: number): string {
  const key = `outbox:${n}`;
  let sql = rawSqlCache.get(key);
  if (!sql) {
    const rows = Array.from({ length: n }, (_, i) => {
      const p = i * 6;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`;
    });
    sql = `INSERT INTO ${RAW_SCHEMA}.outbox (message_id, topic, message_key, message_type, payload, headers) VALUES ${rows.join(', ')}`;
    rawSqlCache.set(key, sql);
  }
  return sql;
}

async function rawInsertEvents(client: SqlClient, batch: Batch, fromVersion: number): Promise<void> {
  const metadata = JSON.stringify(batch.metadata);
  const values: unknown[] = [];
  batch.events.forEach((e, i) => {
    values.push(batch.streamId, fromVersion + i + 1, randomUUID(), e.type, 1, JSON.stringify(e.data), metadata);
  });
  await client.query(rawEventsSql(batch.events.length), values);
}

async function rawInsertOutbox(client: SqlClient, messages: OutgoingMessageLike[]): Promise<void> {
  const values: unknown[] = [];
  for (const m of messages) {
    values.push(
      randomUUID(),
      m.topic,
      m.key,
      m.type,
      JSON.stringify(m.payload),
      JSON.stringify({ ...(m.headers ?? {}), ...(m.traceparent ? { traceparent: m.traceparent } : {}) }),
    );
  }
  await client.query(rawOutboxSql(messages.length), values);
}

// ---------------------------------------------------------------------------------------------
// Cases: each returns, per writer, a function doing one append (one transaction).

interface Tools {
  store: PostgresEventStore;
  outbox: OutboxLike;
  notifyingOutbox: OutboxLike;
  /** Emmett's event store over a given pool (one per pool, created on first use). */
  emmett: (pool: pg.Pool) => EmmettStoreLike;
}

/** The part of Emmett's `PostgresEventStore` used here (typed loosely: Emmett is a peer, not a dependency of the code). */
interface EmmettStoreLike {
  appendToStream(
    streamName: string,
    events: { type: string; data: Record<string, unknown>; metadata?: Record<string, unknown> }[],
    options?: { expectedStreamVersion?: unknown },
  ): Promise<unknown>;
}
interface EmmettModule {
  getPostgreSQLEventStore(
    connectionString: string,
    options: {
      connectionOptions: { pool: pg.Pool; pooled: true };
      schema: { autoMigration: 'None' | 'CreateOrUpdate' };
    },
  ): EmmettStoreLike & { schema: { migrate(): Promise<unknown> } };
}
const STREAM_DOES_NOT_EXIST = 'STREAM_DOES_NOT_EXIST'; // Emmett's constant of that name

type AppendOnce = () => Promise<void>;

async function makeWriter(name: CaseName, pool: pg.Pool, tools: Tools, size: number): Promise<AppendOnce> {
  const stream = () => `order-${randomUUID()}`;
  switch (name) {
    case 'raw':
      return async () => {
        const batch = newBatch(stream(), size, 1);
        await inTransaction(pool, (c) => rawInsertEvents(c, batch, 0));
      };
    case 'raw+outbox':
      return async () => {
        const batch = newBatch(stream(), size, 1);
        await inTransaction(pool, async (c) => {
          await rawInsertEvents(c, batch, 0);
          await rawInsertOutbox(c, messagesOf(batch));
        });
      };
    case 'es':
      return async () => {
        const batch = newBatch(stream(), size, 1);
        await inTransaction(pool, (c) =>
          tools.store.append(c, batch.streamId, batch.events, {
            expectedVersion: 'no_stream',
            metadata: batch.metadata,
          }),
        );
      };
    case 'es+outbox':
    case 'es+outbox+notify': {
      const outbox = name === 'es+outbox' ? tools.outbox : tools.notifyingOutbox;
      return async () => {
        const batch = newBatch(stream(), size, 1);
        await inTransaction(pool, async (c) => {
          await tools.store.append(c, batch.streamId, batch.events, {
            expectedVersion: 'no_stream',
            metadata: batch.metadata,
          });
          await outbox.add(c, messagesOf(batch));
        });
      };
    }
    case 'emmett': {
      const store = tools.emmett(pool);
      return async () => {
        const batch = newBatch(stream(), size, 1);
        await store.appendToStream(
          batch.streamId,
          batch.events.map((e) => ({
            type: e.type,
            data: e.data as Record<string, unknown>,
            metadata: { ...batch.metadata },
          })),
          { expectedStreamVersion: STREAM_DOES_NOT_EXIST },
        );
      };
    }
    case 'es-existing': {
      // A ring of streams owned by this writer, created (one append each) before the warm-up.
      const ring = Array.from({ length: EXISTING_STREAMS_PER_WRITER }, () => ({ id: stream(), version: 0 }));
      for (const s of ring) {
        const batch = newBatch(s.id, size, 1);
        const { nextExpectedVersion } = await inTransaction(pool, (c) =>
          tools.store.append(c, s.id, batch.events, { expectedVersion: 'no_stream', metadata: batch.metadata }),
        );
        s.version = nextExpectedVersion;
      }
      let next = 0;
      return async () => {
        const s = ring[next++ % ring.length]!;
        const batch = newBatch(s.id, size, s.version + 1);
        const { nextExpectedVersion } = await inTransaction(pool, (c) =>
          tools.store.append(c, s.id, batch.events, { expectedVersion: s.version, metadata: batch.metadata }),
        );
        s.version = nextExpectedVersion;
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface Sample {
  case: CaseName;
  events: number;
  writers: number;
  round: number;
  appends: number;
  seconds: number;
  appendsPerSecond: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

let stopping = false;
let finished = false;
/** Pools by key: writer count, negated for Emmett's pools (-1000 - n), -1 for the cost table. */
const pools = new Map<number, pg.Pool>();

/** pg's default parsers, captured before Emmett can change the global ones. */
const pgDefaultTypes = (() => {
  const saved = new Map([20, 114, 3802].map((oid) => [oid, pg.types.getTypeParser(oid, 'text')]));
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      (format ?? 'text') === 'text' && saved.has(oid)
        ? saved.get(oid)!
        : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
})();

/** A pool whose connections never crash the process with an unhandled 'error' (e.g. on shutdown). */
function newPool(url: string, max: number, forEmmett = false): pg.Pool {
  // Emmett (dumbo) replaces pg's global parsers of int8 (BigInt) and json/jsonb when it creates a
  // store. Our cases keep pg's defaults through their own `types`, as they would in a service.
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 0,
    ...(forEmmett ? {} : { types: pgDefaultTypes }),
  });
  const onError = (error: Error) => {
    if (!stopping) console.error(`connection error: ${String(error)}`);
  };
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/**
 * One pool per writer count, kept for the whole run like a service keeps its pool: `max` equals the
 * number of writers, so each writer works on its own connection. Same settings for every case.
 */
function poolFor(url: string, writers: number, forEmmett: boolean): pg.Pool {
  const key = forEmmett ? -1000 - writers : writers;
  let pool = pools.get(key);
  if (!pool) {
    pool = newPool(url, writers, forEmmett);
    pools.set(key, pool);
  }
  return pool;
}

async function measure(
  url: string,
  tools: Tools,
  name: CaseName,
  events: number,
  writers: number,
  round: number,
): Promise<Sample> {
  const pool = poolFor(url, writers, name === 'emmett');
  const appendOnce = await Promise.all(Array.from({ length: writers }, () => makeWriter(name, pool, tools, events)));
  let phase: 'warmup' | 'measure' | 'done' = 'warmup';
  let start = 0;
  let end = 0;
  let latencies = new Float64Array(4096);
  let count = 0;
  let errors = 0;
  const record = (ms: number) => {
    if (count === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = ms;
  };
  const loops = appendOnce.map(async (once) => {
    while (phase !== 'done' && !stopping) {
      const t0 = performance.now();
      try {
        await once();
      } catch (error) {
        if (stopping) return;
        errors++;
        if (errors <= 3) console.error(`${name}: append failed: ${String(error)}`);
        continue;
      }
      const t1 = performance.now();
      if (phase === 'measure' && t1 <= end) record(t1 - t0);
    }
  });
  await new Promise((r) => setTimeout(r, config.warmupSeconds * 1000));
  start = performance.now();
  end = start + config.seconds * 1000;
  phase = 'measure';
  await new Promise((r) => setTimeout(r, config.seconds * 1000));
  phase = 'done';
  await Promise.all(loops);
  const sorted = latencies.subarray(0, count).sort();
  const seconds = (end - start) / 1000;
  return {
    case: name,
    events,
    writers,
    round,
    appends: count,
    seconds,
    appendsPerSecond: count / seconds,
    eventsPerSecond: (count * events) / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    errors,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Rotates `list` left by `by`. */
function rotate<T>(list: readonly T[], by: number): T[] {
  const k = ((by % list.length) + list.length) % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

// ---------------------------------------------------------------------------------------------
// Cost per append: one connection, appends one after the other. CPU time (of this process and of
// the Postgres backend serving the connection) and WAL volume do not depend on what else runs on
// the machine, unlike throughput; they show where an append spends its effort.

interface Cost {
  case: CaseName;
  events: number;
  appends: number;
  wallMsPerAppend: number;
  clientCpuUsPerAppend: number;
  serverCpuUsPerAppend: number;
  walBytesPerAppend: number;
}

/** CPU time in µs a process has spent running (Linux schedstat), or NaN where unavailable. */
async function processCpuUs(pid: number): Promise<number> {
  try {
    return Number((await readFile(`/proc/${pid}/schedstat`, 'utf8')).split(' ')[0]) / 1000;
  } catch {
    return NaN;
  }
}

async function measureCost(url: string, admin: pg.Client, tools: Tools, name: CaseName, events: number): Promise<Cost> {
  const pool = newPool(url, 1, name === 'emmett');
  pools.set(-1, pool);
  try {
    const pid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const once = await makeWriter(name, pool, tools, events);
    for (let i = 0; i < 30; i++) await once();
    await admin.query('CHECKPOINT');
    const wal0 = (await admin.query<{ l: string }>('SELECT pg_current_wal_insert_lsn()::text AS l')).rows[0]!.l;
    const server0 = await processCpuUs(pid);
    const client0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < config.costAppends && !stopping; i++) await once();
    const wall = performance.now() - t0;
    const client = process.cpuUsage(client0);
    const server = (await processCpuUs(pid)) - server0;
    const wal = (
      await admin.query<{ b: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1) AS b', [wal0])
    ).rows[0]!.b;
    const n = config.costAppends;
    return {
      case: name,
      events,
      appends: n,
      wallMsPerAppend: wall / n,
      clientCpuUsPerAppend: (client.user + client.system) / n,
      serverCpuUsPerAppend: server / n,
      walBytesPerAppend: Number(wal) / n,
    };
  } finally {
    pools.delete(-1);
    await pool.end().catch(() => undefined);
  }
}

function costTable(costs: Cost[]): string {
  const head = [
    'case',
    'events/append',
    'client CPU µs',
    'server CPU µs',
    'total CPU µs',
    'vs raw',
    'WAL bytes',
    'wall ms',
  ];
  const raw = new Map(
    costs.filter((c) => c.case === 'raw').map((c) => [c.events, c.clientCpuUsPerAppend + c.serverCpuUsPerAppend]),
  );
  const body = costs.map((c) => {
    const total = c.clientCpuUsPerAppend + c.serverCpuUsPerAppend;
    const base = raw.get(c.events);
    return [
      CASE_LABELS[c.case],
      String(c.events),
      c.clientCpuUsPerAppend.toFixed(0),
      c.serverCpuUsPerAppend.toFixed(0),
      total.toFixed(0),
      base ? `${(total / base).toFixed(2)}x` : '-',
      c.walBytesPerAppend.toFixed(0),
      c.wallMsPerAppend.toFixed(2),
    ];
  });
  return formatTable(
    head,
    body,
    costs.map((c) => String(c.events)),
  );
}

// ---------------------------------------------------------------------------------------------
// Reporting

interface Row {
  case: CaseName;
  label: string;
  events: number;
  writers: number;
  appendsPerSecond: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  vsRaw: number | null;
  vsPaired: { baseline: CaseName; ratio: number } | null;
  /** Median over the rounds of (appends/s of this case / appends/s of Emmett in the same round). */
  vsEmmett: number | null;
  roundsVsEmmett: number[];
  roundsAppendsPerSecond: number[];
  roundsVsRaw: number[];
  errors: number;
}

function summarise(samples: Sample[]): Row[] {
  const rows: Row[] = [];
  /** Per round: appends/s of `name` divided by appends/s of `baseline` in the same round. */
  const roundRatios = (name: CaseName, baseline: CaseName, events: number, writers: number) => {
    const of = (c: CaseName) => samples.filter((x) => x.case === c && x.events === events && x.writers === writers);
    const base = new Map(of(baseline).map((x) => [x.round, x.appendsPerSecond]));
    return of(name)
      .filter((x) => base.get(x.round))
      .map((x) => x.appendsPerSecond / base.get(x.round)!);
  };
  for (const events of config.events) {
    for (const writers of config.writers) {
      for (const name of config.cases) {
        const s = samples.filter((x) => x.case === name && x.events === events && x.writers === writers);
        if (!s.length) continue;
        const aps = median(s.map((x) => x.appendsPerSecond));
        const vsRaw = roundRatios(name, 'raw', events, writers);
        const paired = PAIRED_BASELINE[name];
        const vsPaired = paired ? roundRatios(name, paired, events, writers) : [];
        const vsEmmett =
          VS_EMMETT.includes(name) && config.cases.includes('emmett')
            ? roundRatios(name, 'emmett', events, writers)
            : [];
        rows.push({
          case: name,
          label: CASE_LABELS[name],
          events,
          writers,
          appendsPerSecond: aps,
          eventsPerSecond: aps * events,
          p50Ms: median(s.map((x) => x.p50Ms)),
          p99Ms: median(s.map((x) => x.p99Ms)),
          vsRaw: vsRaw.length ? median(vsRaw) : null,
          vsPaired: paired && vsPaired.length ? { baseline: paired, ratio: median(vsPaired) } : null,
          roundsAppendsPerSecond: s.map((x) => Math.round(x.appendsPerSecond)),
          roundsVsRaw: vsRaw.map((r) => Number(r.toFixed(3))),
          vsEmmett: vsEmmett.length ? median(vsEmmett) : null,
          roundsVsEmmett: vsEmmett.map((r) => Number(r.toFixed(3))),
          errors: s.reduce((a, x) => a + x.errors, 0),
        });
      }
    }
  }
  return rows;
}

function table(rows: Row[]): string {
  const head = [
    'case',
    'events/append',
    'writers',
    'appends/s',
    'events/s',
    'p50 ms',
    'p99 ms',
    'vs raw',
    'vs raw+outbox',
    'vs Emmett',
  ];
  const fmt = (n: number, digits = 0) =>
    Number.isFinite(n)
      ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
      : '-';
  const body = rows.map((r) => [
    r.label,
    String(r.events),
    String(r.writers),
    fmt(r.appendsPerSecond),
    fmt(r.eventsPerSecond),
    fmt(r.p50Ms, 2),
    fmt(r.p99Ms, 2),
    r.vsRaw === null ? '-' : `${r.vsRaw.toFixed(2)}x`,
    r.vsPaired?.baseline === 'raw+outbox' ? `${r.vsPaired.ratio.toFixed(2)}x` : '',
    r.vsEmmett === null ? '' : `${r.vsEmmett.toFixed(2)}x`,
  ]);
  return formatTable(
    head,
    body,
    rows.map((r) => `${r.events}/${r.writers}`),
  );
}

/** Aligned columns (first left, others right), a blank line between groups. */
function formatTable(head: string[], body: string[][], groups: string[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const [i, b] of body.entries()) {
    if (i > 0 && groups[i] !== groups[i - 1]) out.push('');
    out.push(line(b));
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  const loadBefore = os.loadavg();
  console.log(
    `event store bench: ${config.cases.join(', ')} x events ${config.events.join('/')} x writers ${config.writers.join('/')}, ` +
      `${config.rounds} round(s) of ${config.seconds} s (+${config.warmupSeconds} s warm-up) each`,
  );
  local = await startLocalPostgres({ dataDir: 'tmp' });
  if (stopping) return;
  await local.ensureDatabase('bench');
  const url = local.url('bench');
  admin = new pg.Client({ connectionString: url });
  admin.on('error', (error) => {
    if (!stopping) console.error(`admin connection error: ${String(error)}`);
  });
  await admin.connect();
  await admin.query(platformSchemaSql(ES_SCHEMA));
  await admin.query(platformSchemaSql(RAW_SCHEMA)); // identical tables, indexes and constraints
  // Autovacuum of these insert-only tables would only add background noise (and WAL) at random moments.
  for (const schema of [ES_SCHEMA, RAW_SCHEMA]) {
    for (const table of ['events', 'outbox']) {
      await admin.query(`ALTER TABLE ${schema}.${table} SET (autovacuum_enabled = false)`);
    }
  }
  const serverVersion = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;

  const messagingModule: string = '@archipelago/platform-messaging';
  const { Outbox, outboxChannel } = (await import(messagingModule)) as {
    Outbox: OutboxCtor;
    outboxChannel: (schema: string) => string;
  };
  // Emmett: loaded only when its case runs; its schema created once, as Emmett's own migration does it.
  let emmettModule: EmmettModule | undefined;
  if (config.cases.includes('emmett')) {
    const emmettSpecifier: string = '@event-driven-io/emmett-postgresql';
    emmettModule = (await import(emmettSpecifier)) as EmmettModule;
    const migratePool = newPool(url, 1, true);
    try {
      await emmettModule
        .getPostgreSQLEventStore(url, {
          connectionOptions: { pool: migratePool, pooled: true },
          schema: { autoMigration: 'CreateOrUpdate' },
        })
        .schema.migrate();
    } finally {
      await migratePool.end();
    }
    for (const table of ['emt_messages_emt_default_active', 'emt_streams_emt_default_active']) {
      await admin.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`).catch(() => undefined);
    }
  }
  const emmettStores = new WeakMap<pg.Pool, EmmettStoreLike>();
  const tools: Tools = {
    store: new PostgresEventStore(ES_SCHEMA),
    outbox: new Outbox(ES_SCHEMA),
    notifyingOutbox: new Outbox(ES_SCHEMA, { notifyChannel: outboxChannel(ES_SCHEMA) }),
    emmett: (pool) => {
      let store = emmettStores.get(pool);
      if (!store) {
        if (!emmettModule) throw new Error('emmett case not selected');
        store = emmettModule.getPostgreSQLEventStore(url, {
          connectionOptions: { pool, pooled: true },
          schema: { autoMigration: 'None' },
        });
        emmettStores.set(pool, store);
      }
      return store;
    },
  };

  // Rounds: every (events, writers) group runs all its cases back to back (so a ratio compares
  // figures measured seconds apart); the order of groups and of cases rotates between rounds.
  const groups = config.events.flatMap((events) => config.writers.map((writers) => ({ events, writers })));
  const samples: Sample[] = [];
  const checkpoint = async () => {
    await admin!.query('CHECKPOINT');
  };
  const total = config.rounds * groups.length * config.cases.length;
  let done = 0;
  for (let round = 1; round <= config.rounds; round++) {
    for (const group of rotate(groups, round - 1)) {
      for (const name of rotate(config.cases, round - 1)) {
        if (stopping) return;
        await checkpoint(); // keep checkpoints of earlier cases' dirty pages out of this one
        const sample = await measure(url, tools, name, group.events, group.writers, round);
        if (stopping) return;
        samples.push(sample);
        done++;
        process.stdout.write(
          `  [${String(done).padStart(String(total).length)}/${total}] round ${round} ${name.padEnd(16)} ` +
            `${String(group.events).padStart(2)} ev x ${group.writers} w: ${Math.round(sample.appendsPerSecond)} appends/s, ` +
            `p50 ${sample.p50Ms.toFixed(2)} ms${sample.errors ? `, ${sample.errors} errors` : ''}\n`,
        );
      }
    }
  }

  const costs: Cost[] = [];
  if (config.costAppends > 0) {
    console.log(`  cost per append: ${config.costAppends} sequential appends per case on one connection`);
    for (const events of config.events) {
      for (const name of config.cases) {
        if (stopping) return;
        costs.push(await measureCost(url, admin, tools, name, events));
      }
    }
  }

  const rows = summarise(samples);
  const elapsed = (performance.now() - began) / 1000;
  const loadAfter = os.loadavg();
  console.log(
    `\nMedians of ${config.rounds} round(s) of ${config.seconds} s. "vs" columns: median over the rounds of ` +
      `(appends/s of the case / appends/s of the baseline in the same round), same events/append and writers.`,
  );
  console.log(
    `Postgres ${serverVersion} (embedded, fsync=on), Node ${process.version}, ${os.cpus().length} CPU(s), ` +
      `load average ${loadBefore[0]!.toFixed(1)} before, ${loadAfter[0]!.toFixed(1)} after (other processes skew figures)\n`,
  );
  console.log(table(rows));
  if (costs.length) {
    console.log(
      `\nCost per append, one writer, ${config.costAppends} appends in a row: CPU time of this Node process and of ` +
        `the Postgres backend (walwriter, checkpointer, autovacuum not included), WAL generated; ` +
        `"vs raw" compares total CPU.\n`,
    );
    console.log(costTable(costs));
  }
  console.log(`\nbench time ${elapsed.toFixed(1)} s`);

  await mkdir(dirname(config.report), { recursive: true });
  await writeFile(
    config.report,
    JSON.stringify(
      {
        benchmark: 'event-store',
        date: new Date().toISOString(),
        environment: {
          node: process.version,
          postgres: serverVersion,
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model,
          platform: `${os.platform()} ${os.release()}`,
          loadAverageBefore: loadBefore,
          loadAverageAfter: os.loadavg(),
        },
        config: { ...config, report: undefined },
        elapsedSeconds: elapsed,
        results: rows,
        costPerAppend: costs,
        samples,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`results written to ${config.report}`);
  finished = true;
}

let local: LocalPostgres | undefined;
let admin: pg.Client | undefined;
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    stopping = true;
    await Promise.all([...pools.values()].map((p) => p.end().catch(() => undefined)));
    await admin?.end().catch(() => undefined);
    await local?.stop().catch((error) => console.error(`stopping Postgres failed: ${String(error)}`));
  })();
  return cleaning;
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.once(signal, () => {
    if (!stopping) console.error(`\n${signal}: stopping Postgres…`);
    void cleanup().finally(() => process.exit(code));
  });
}

// Whatever goes wrong, Postgres is stopped and its temporary data directory removed.
process.on('uncaughtException', (error) => {
  if (!stopping) console.error(error);
  void cleanup().finally(() => process.exit(1));
});

try {
  await main();
  await cleanup();
  process.exit(stopping && !finished ? 130 : 0);
} catch (error) {
  if (!stopping) console.error(error);
  await cleanup();
  process.exit(stopping ? 130 : 1);
}
