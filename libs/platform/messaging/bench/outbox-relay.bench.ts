/**
 * `npm run bench -- outbox`: the transactional outbox relay (OutboxKafkaRelay) against a real Kafka
 * broker, next to a baseline of kafkajs producing the same messages directly (no outbox).
 *
 * Starts its own embedded Postgres and Kafka broker (temporary data directories), one topic of
 * 3 partitions, and runs interleaved rounds of:
 *  - drain    N messages already committed in the outbox (multi-row `Outbox.add`) are published by
 *             the relay (batches of 200, `FOR UPDATE SKIP LOCKED`, idempotent producer, acks=all,
 *             marked published): messages/s from relay start to the last Kafka ack.
 *             Baseline: the same N messages (same key, value, CloudEvents headers) sent by kafkajs
 *             `sendBatch` in batches of 200, one after the other, same producer settings.
 *  - latency  a steady rate of single-message transactions (`Outbox.add` with NOTIFY, as a service
 *             on the kafka transport writes them) while the relay runs: commit-to-publish latency
 *             = time from the writer's COMMIT to the Kafka ack of that message (p50/p99).
 *             Baseline: `producer.send` of one message at the same rate: call-to-ack latency.
 * Medians over the rounds; ratios per round (relay / direct), median over rounds.
 * Writes `reports/bench/outbox-relay.json`.
 *
 * Environment: BENCH_ROUNDS (default 3), BENCH_OUTBOX_MESSAGES (drain size, default 10000),
 * BENCH_OUTBOX_RATE (messages/s of the latency phase, default 300), BENCH_OUTBOX_SECONDS (latency
 * phase length, default 4), BENCH_REPORT (default reports/bench/outbox-relay.json).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel, Partitioners, type Message, type Producer } from 'kafkajs';
import pg from 'pg';
import { inTransaction, platformSchemaSql } from '@archipelago/platform-event-store';
import { startLocalPostgres, type LocalPostgres } from '@archipelago/platform-local-postgres';
import { Outbox, outboxChannel, OutboxKafkaRelay, type OutgoingMessage } from '../src/index.js';

const config = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  messages: Number(process.env.BENCH_OUTBOX_MESSAGES ?? 10_000),
  rate: Number(process.env.BENCH_OUTBOX_RATE ?? 300),
  seconds: Number(process.env.BENCH_OUTBOX_SECONDS ?? 4),
  report: resolve(process.env.BENCH_REPORT ?? 'reports/bench/outbox-relay.json'),
};
const SCHEMA = 'bench_outbox';
const TOPIC = 'bench.outbox.order-line-added.v1';
const SOURCE = '/bench/outbox';
const BATCH = 200;

type Case = 'relay' | 'direct';
interface DrainSample {
  case: Case;
  round: number;
  messages: number;
  seconds: number;
  messagesPerSecond: number;
}
interface LatencySample {
  case: Case;
  round: number;
  rate: number;
  messages: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function message(): OutgoingMessage {
  const key = randomUUID();
  return {
    topic: TOPIC,
    key,
    type: 'archipelago.bench.OrderLineAddedV1',
    payload: {
      orderId: key,
      line: 1,
      sku: 'SKU-0000042',
      quantity: 2,
      unitPrice: { amount: '19.99', currency: 'EUR' },
      note: 'gift wrap, deliver to the back door',
      addedAt: new Date().toISOString(),
    },
    traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
    headers: { correlationId: randomUUID() },
  };
}

/** What the relay would send for `m` (same headers as cloudEventHeaders builds). */
function kafkaMessage(m: OutgoingMessage): Message {
  return {
    key: m.key,
    value: JSON.stringify(m.payload),
    headers: {
      ...(m.headers ?? {}),
      traceparent: m.traceparent ?? '',
      ce_specversion: '1.0',
      ce_id: randomUUID(),
      ce_type: m.type,
      ce_source: SOURCE,
      ce_time: new Date().toISOString(),
      'content-type': 'application/json',
    },
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN;
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function workspaceRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('workspace root not found');
  }
}

/**
 * A producer that notes the time of each message's Kafka ack (by key) and passes everything else
 * to the real one: how the relay's publish time is observed without changing the relay.
 */
function observingProducer(real: Producer, acked: Map<string, number>, onAck: () => void): Producer {
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'sendBatch') {
        return async (batch: Parameters<Producer['sendBatch']>[0]) => {
          const result = await target.sendBatch(batch);
          const now = performance.now();
          for (const tm of batch.topicMessages ?? []) for (const m of tm.messages) acked.set(String(m.key), now);
          onAck();
          return result;
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

let stopping = false;
let local: LocalPostgres | undefined;
let kafkaHandle: { stop(): Promise<void> } | undefined;
const closers: (() => Promise<unknown>)[] = [];

async function main(): Promise<void> {
  const began = performance.now();
  console.log(
    `outbox relay bench: ${config.rounds} round(s): drain ${config.messages} messages, then ${config.rate} msg/s for ${config.seconds} s`,
  );
  const { startKafka } = (await import(pathToFileURL(join(workspaceRoot(), 'infra/local/kafka/kafka.mjs')).href)) as {
    startKafka(o: { dataDir: string }): Promise<{ brokers: string; stop(): Promise<void> }>;
  };
  const [pgLocal, kafka] = await Promise.all([startLocalPostgres({ dataDir: 'tmp' }), startKafka({ dataDir: 'tmp' })]);
  local = pgLocal;
  kafkaHandle = kafka;
  console.log(`  Postgres and Kafka (${kafka.brokers}) up after ${((performance.now() - began) / 1000).toFixed(1)} s`);
  await local.ensureDatabase('bench');
  const url = local.url('bench');
  const pool = new pg.Pool({ connectionString: url, max: 6, idleTimeoutMillis: 0 });
  pool.on('error', () => undefined);
  closers.push(() => pool.end());
  await pool.query(platformSchemaSql(SCHEMA));
  const serverVersion = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;

  const client = new Kafka({ clientId: 'bench', brokers: [kafka.brokers], logLevel: logLevel.NOTHING });
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 1 }],
  });
  await admin.disconnect();
  // Same producer settings as Messaging uses for its relay.
  const newProducer = async () => {
    const p = client.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await p.connect();
    closers.push(() => p.disconnect());
    return p;
  };
  const relayProducer = await newProducer();
  const directProducer = await newProducer();
  const acked = new Map<string, number>();
  let ackWaiter: (() => void) | undefined;
  const producer = observingProducer(relayProducer, acked, () => ackWaiter?.());
  const outbox = new Outbox(SCHEMA, { notifyChannel: outboxChannel(SCHEMA) });
  const bulkOutbox = new Outbox(SCHEMA);
  const newRelay = () =>
    new OutboxKafkaRelay(pool, SCHEMA, producer, {
      source: SOURCE,
      notifyChannel: outboxChannel(SCHEMA),
      onError: (e) => {
        if (!stopping) console.error(`relay error: ${String(e)}`);
      },
    });

  // Warm-up: both paths publish a few hundred messages (JIT, connections, partition metadata).
  {
    const ms = Array.from({ length: 400 }, message);
    await directProducer.sendBatch({ acks: -1, topicMessages: [{ topic: TOPIC, messages: ms.map(kafkaMessage) }] });
    await inTransaction(pool, (c) => bulkOutbox.add(c, ms));
    const r = newRelay();
    while ((await r.relayOnce()) > 0);
  }

  const drains: DrainSample[] = [];
  const latencies: LatencySample[] = [];

  const drainRelay = async (round: number) => {
    const ms = Array.from({ length: config.messages }, message);
    for (let i = 0; i < ms.length; i += 500) await inTransaction(pool, (c) => bulkOutbox.add(c, ms.slice(i, i + 500)));
    await pool.query('CHECKPOINT');
    acked.clear();
    const relay = newRelay();
    const t0 = performance.now();
    const done = new Promise<void>((resolveDone) => {
      ackWaiter = () => {
        if (ms.every((m) => acked.has(m.key))) resolveDone();
      };
    });
    await relay.start();
    await done;
    const seconds = (performance.now() - t0) / 1000;
    ackWaiter = undefined;
    await relay.stop();
    drains.push({ case: 'relay', round, messages: ms.length, seconds, messagesPerSecond: ms.length / seconds });
  };
  const drainDirect = async (round: number) => {
    const ms = Array.from({ length: config.messages }, message).map(kafkaMessage);
    const t0 = performance.now();
    for (let i = 0; i < ms.length; i += BATCH) {
      await directProducer.sendBatch({ acks: -1, topicMessages: [{ topic: TOPIC, messages: ms.slice(i, i + BATCH) }] });
    }
    const seconds = (performance.now() - t0) / 1000;
    drains.push({ case: 'direct', round, messages: ms.length, seconds, messagesPerSecond: ms.length / seconds });
  };

  /** Calls `once` at a fixed rate (not waiting for earlier calls), for config.seconds. */
  const paced = async (once: () => Promise<void>) => {
    const total = Math.round(config.rate * config.seconds);
    const interval = 1000 / config.rate;
    const t0 = performance.now();
    const running: Promise<void>[] = [];
    for (let i = 0; i < total && !stopping; i++) {
      const due = t0 + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      running.push(once());
    }
    await Promise.all(running);
  };

  const latencyRelay = async (round: number) => {
    acked.clear();
    const committed = new Map<string, number>();
    const relay = newRelay();
    await relay.start();
    await paced(async () => {
      const m = message();
      await inTransaction(pool, (c) => outbox.add(c, [m]));
      committed.set(m.key, performance.now());
    });
    const deadline = performance.now() + 10_000;
    while ([...committed.keys()].some((k) => !acked.has(k)) && performance.now() < deadline) await sleep(20);
    await relay.stop();
    const l = [...committed].filter(([k]) => acked.has(k)).map(([k, t]) => acked.get(k)! - t);
    l.sort((a, b) => a - b);
    latencies.push({
      case: 'relay',
      round,
      rate: config.rate,
      messages: l.length,
      p50Ms: percentile(l, 50),
      p99Ms: percentile(l, 99),
      maxMs: l.at(-1) ?? NaN,
    });
  };
  const latencyDirect = async (round: number) => {
    const l: number[] = [];
    await paced(async () => {
      const m = kafkaMessage(message());
      const t0 = performance.now();
      await directProducer.send({ acks: -1, topic: TOPIC, messages: [m] });
      l.push(performance.now() - t0);
    });
    l.sort((a, b) => a - b);
    latencies.push({
      case: 'direct',
      round,
      rate: config.rate,
      messages: l.length,
      p50Ms: percentile(l, 50),
      p99Ms: percentile(l, 99),
      maxMs: l.at(-1) ?? NaN,
    });
  };

  for (let round = 1; round <= config.rounds && !stopping; round++) {
    // Alternate which path goes first so drift within a round does not favour one.
    const steps =
      round % 2
        ? [drainRelay, drainDirect, latencyRelay, latencyDirect]
        : [drainDirect, drainRelay, latencyDirect, latencyRelay];
    for (const step of steps) await step(round);
    const d = drains.filter((s) => s.round === round);
    const l = latencies.filter((s) => s.round === round);
    console.log(
      `  round ${round}: drain relay ${Math.round(d.find((s) => s.case === 'relay')!.messagesPerSecond)} msg/s, ` +
        `direct ${Math.round(d.find((s) => s.case === 'direct')!.messagesPerSecond)} msg/s; ` +
        `latency p50/p99 relay ${l.find((s) => s.case === 'relay')!.p50Ms.toFixed(1)}/${l.find((s) => s.case === 'relay')!.p99Ms.toFixed(1)} ms, ` +
        `direct ${l.find((s) => s.case === 'direct')!.p50Ms.toFixed(1)}/${l.find((s) => s.case === 'direct')!.p99Ms.toFixed(1)} ms`,
    );
  }

  const perRound = <T extends { case: Case; round: number }>(xs: T[], f: (x: T) => number) =>
    Array.from({ length: config.rounds }, (_, i) => {
      const r = xs.find((x) => x.case === 'relay' && x.round === i + 1);
      const d = xs.find((x) => x.case === 'direct' && x.round === i + 1);
      return r && d ? f(r) / f(d) : NaN;
    }).filter(Number.isFinite);
  const summary = (c: Case) => {
    const d = drains.filter((s) => s.case === c);
    const l = latencies.filter((s) => s.case === c);
    return {
      case: c,
      label: c === 'relay' ? 'outbox relay (Postgres -> Kafka)' : 'kafkajs direct (baseline)',
      messagesPerSecond: median(d.map((s) => s.messagesPerSecond)),
      messagesPerSecondMinMax: [
        Math.min(...d.map((s) => s.messagesPerSecond)),
        Math.max(...d.map((s) => s.messagesPerSecond)),
      ],
      p50Ms: median(l.map((s) => s.p50Ms)),
      p99Ms: median(l.map((s) => s.p99Ms)),
      p50MsMinMax: [Math.min(...l.map((s) => s.p50Ms)), Math.max(...l.map((s) => s.p50Ms))],
      p99MsMinMax: [Math.min(...l.map((s) => s.p99Ms)), Math.max(...l.map((s) => s.p99Ms))],
    };
  };
  const results = [summary('relay'), summary('direct')];
  const ratios = {
    throughputRelayVsDirect: median(perRound(drains, (s) => s.messagesPerSecond)),
    p50RelayMinusDirectMs: median(
      Array.from({ length: config.rounds }, (_, i) => {
        const r = latencies.find((x) => x.case === 'relay' && x.round === i + 1);
        const d = latencies.find((x) => x.case === 'direct' && x.round === i + 1);
        return r && d ? r.p50Ms - d.p50Ms : NaN;
      }).filter(Number.isFinite),
    ),
  };

  const elapsed = (performance.now() - began) / 1000;
  const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  console.log(
    `\nMedians of ${config.rounds} round(s) [min–max]. Drain: ${config.messages} committed messages, batches of ${BATCH}. ` +
      `Latency: ${config.rate} msg/s for ${config.seconds} s, one message per transaction (relay: COMMIT -> Kafka ack; direct: send -> ack).`,
  );
  console.log(
    `Postgres ${serverVersion}, Kafka (local KRaft, 1 broker), Node ${process.version}, ${os.cpus().length} CPU(s)\n`,
  );
  const rows = [
    ['path', 'msg/s (drain)', 'min–max', 'p50 ms', 'p99 ms', 'p99 min–max'],
    ...results.map((r) => [
      r.label,
      fmt(r.messagesPerSecond),
      `${fmt(r.messagesPerSecondMinMax[0]!)}–${fmt(r.messagesPerSecondMinMax[1]!)}`,
      fmt(r.p50Ms, 2),
      fmt(r.p99Ms, 2),
      `${fmt(r.p99MsMinMax[0]!, 1)}–${fmt(r.p99MsMinMax[1]!, 1)}`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log(
    `\nrelay throughput vs direct: ${fmt(ratios.throughputRelayVsDirect, 2)}x; relay p50 adds ${fmt(ratios.p50RelayMinusDirectMs, 2)} ms ` +
      `(median over rounds of relay − direct)\nbench time ${elapsed.toFixed(1)} s`,
  );
  await mkdir(dirname(config.report), { recursive: true });
  await writeFile(
    config.report,
    JSON.stringify(
      {
        benchmark: 'outbox-relay',
        date: new Date().toISOString(),
        environment: {
          node: process.version,
          postgres: serverVersion,
          kafka: 'local KRaft broker (infra/local/kafka), 1 node',
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model,
          memoryBytes: os.totalmem(),
          platform: `${os.platform()} ${os.release()}`,
          loadAverageAfter: os.loadavg(),
        },
        config: { ...config, report: undefined, batch: BATCH },
        elapsedSeconds: elapsed,
        results,
        ratios,
        drains,
        latencies,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`results written to ${config.report}`);
}

let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    stopping = true;
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await Promise.all([
      kafkaHandle?.stop().catch((e) => console.error(`stopping Kafka failed: ${String(e)}`)),
      local?.stop().catch((e) => console.error(`stopping Postgres failed: ${String(e)}`)),
    ]);
  })();
  return cleaning;
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(code)));
}
process.on('uncaughtException', (error) => {
  if (!stopping) console.error(error);
  void cleanup().finally(() => process.exit(1));
});
try {
  await main();
  await cleanup();
  process.exit(0);
} catch (error) {
  if (!stopping) console.error(error);
  await cleanup();
  process.exit(1);
}
