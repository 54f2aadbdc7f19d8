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
 *  - `es-existing`    `append` to streams that already exist, at their exact expected version.
 * Cases are interleaved and repeated (rounds); figures are medians over the rounds, and ratios are
 * taken against the baseline measured in the same run. Prints a table and writes
 * `reports/bench/event-store.json`. No assertions: figures only.
 *
 * Environment: BENCH_SECONDS (measured seconds per case and round, default 2),
 * BENCH_WARMUP_SECONDS (default 0.5), BENCH_ROUNDS (default 3), BENCH_WRITERS (default "1,8"),
 * BENCH_EVENTS (default "1,10"), BENCH_CASES (default "raw,raw+outbox,es,es+outbox,es-existing";
 * also available: "es+outbox+notify", the outbox with the NOTIFY wake-up the Kafka transport uses),
 * BENCH_REPORT (JSON path, default reports/bench/event-store.json).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
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

const CASES = ['raw', 'raw+outbox', 'es', 'es+outbox', 'es-existing', 'es+outbox+notify'] as const;
type CaseName = (typeof CASES)[number];
const CASE_LABELS: Record<CaseName, string> = {
  raw: 'raw pg INSERT (baseline)',
  'raw+outbox': 'raw pg INSERT + outbox INSERT',
  es: 'event store append',
  'es+outbox': 'event store append + Outbox.add',
  'es-existing': 'event store append, existing stream',
  'es+outbox+notify': 'event store + Outbox.add + NOTIFY',
};
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
  seconds: Number(process.env.BENCH_SECONDS ?? 2),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 0.5),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  writers: numberList(process.env.BENCH_WRITERS, [1, 8]),
  events: numberList(process.env.BENCH_EVENTS, [1, 10]),
  cases: (process.env.BENCH_CASES ?? 'raw,raw+outbox,es,es+outbox,es-existing').split(',').map((c) => c.trim()) as CaseName[],
  report: resolve(process.env.BENCH_REPORT ?? 'reports/bench/event-store.json'),
};
for (const c of config.cases) if (!CASES.includes(c)) throw new Error(`Unknown case "${c}"; known: ${CASES.join(', ')}`);
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
}

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
          tools.store.append(c, batch.streamId, batch.events, { expectedVersion: 'no_stream', metadata: batch.metadata }),
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
const openPools = new Set<pg.Pool>();

async function measure(
  url: string,
  tools: Tools,
  name: CaseName,
  events: number,
  writers: number,
  round: number,
): Promise<Sample> {
  const pool = new pg.Pool({ connectionString: url, max: writers });
  openPools.add(pool);
  pool.on('error', (error) => {
    if (!stopping) console.error(`pool error: ${String(error)}`);
  });
  try {
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
  } finally {
    openPools.delete(pool);
    await pool.end().catch(() => undefined);
  }
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
  roundsAppendsPerSecond: number[];
  errors: number;
}

function summarise(samples: Sample[]): Row[] {
  const rows: Row[] = [];
  const medianOf = (name: CaseName, events: number, writers: number) => {
    const s = samples.filter((x) => x.case === name && x.events === events && x.writers === writers);
    return s.length ? median(s.map((x) => x.appendsPerSecond)) : NaN;
  };
  for (const events of config.events) {
    for (const writers of config.writers) {
      const raw = medianOf('raw', events, writers);
      for (const name of config.cases) {
        const s = samples.filter((x) => x.case === name && x.events === events && x.writers === writers);
        if (!s.length) continue;
        const aps = median(s.map((x) => x.appendsPerSecond));
        const paired = PAIRED_BASELINE[name];
        const pairedAps = paired && config.cases.includes(paired) ? medianOf(paired, events, writers) : NaN;
        rows.push({
          case: name,
          label: CASE_LABELS[name],
          events,
          writers,
          appendsPerSecond: aps,
          eventsPerSecond: aps * events,
          p50Ms: median(s.map((x) => x.p50Ms)),
          p99Ms: median(s.map((x) => x.p99Ms)),
          vsRaw: Number.isFinite(raw) ? aps / raw : null,
          vsPaired: paired && Number.isFinite(pairedAps) ? { baseline: paired, ratio: aps / pairedAps } : null,
          roundsAppendsPerSecond: s.map((x) => Math.round(x.appendsPerSecond)),
          errors: s.reduce((a, x) => a + x.errors, 0),
        });
      }
    }
  }
  return rows;
}

function table(rows: Row[]): string {
  const head = ['case', 'events/append', 'writers', 'appends/s', 'events/s', 'p50 ms', 'p99 ms', 'vs raw', 'vs raw+outbox'];
  const fmt = (n: number, digits = 0) =>
    Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-';
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
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  let group = '';
  for (const [i, b] of body.entries()) {
    const key = `${rows[i]!.events}/${rows[i]!.writers}`;
    if (group && key !== group) out.push('');
    group = key;
    out.push(line(b));
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  console.log(
    `event store bench: ${config.cases.join(', ')} x events ${config.events.join('/')} x writers ${config.writers.join('/')}, ` +
      `${config.rounds} round(s) of ${config.seconds} s (+${config.warmupSeconds} s warm-up) each`,
  );
  local = await startLocalPostgres({ dataDir: 'tmp' });
  if (stopping) return;
  await local.ensureDatabase('bench');
  const url = local.url('bench');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  let serverVersion = '';
  try {
    await admin.query(platformSchemaSql(ES_SCHEMA));
    await admin.query(platformSchemaSql(RAW_SCHEMA)); // identical tables, indexes and constraints
    serverVersion = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  } finally {
    await admin.end();
  }

  const messagingModule: string = '@archipelago/platform-messaging';
  const { Outbox, outboxChannel } = (await import(messagingModule)) as {
    Outbox: OutboxCtor;
    outboxChannel: (schema: string) => string;
  };
  const tools: Tools = {
    store: new PostgresEventStore(ES_SCHEMA),
    outbox: new Outbox(ES_SCHEMA),
    notifyingOutbox: new Outbox(ES_SCHEMA, { notifyChannel: outboxChannel(ES_SCHEMA) }),
  };

  // Rounds: every (events, writers) group runs all its cases back to back (so a ratio compares
  // figures measured seconds apart); the order of groups and of cases rotates between rounds.
  const groups = config.events.flatMap((events) => config.writers.map((writers) => ({ events, writers })));
  const samples: Sample[] = [];
  const checkpoint = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query('CHECKPOINT');
    } finally {
      await c.end();
    }
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

  const rows = summarise(samples);
  const elapsed = (performance.now() - began) / 1000;
  console.log(`\nMedians of ${config.rounds} round(s); ratios against the raw pg baseline of this run (same events/append and writers).`);
  console.log(`Postgres ${serverVersion} (embedded, fsync=on), Node ${process.version}, ${os.cpus().length} CPU(s)\n`);
  console.log(table(rows));
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
        },
        config: { ...config, report: undefined },
        elapsedSeconds: elapsed,
        results: rows,
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
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    stopping = true;
    await Promise.all([...openPools].map((p) => p.end().catch(() => undefined)));
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

try {
  await main();
  await cleanup();
  process.exit(stopping && !finished ? 130 : 0);
} catch (error) {
  if (!stopping) console.error(error);
  await cleanup();
  process.exit(stopping ? 130 : 1);
}
