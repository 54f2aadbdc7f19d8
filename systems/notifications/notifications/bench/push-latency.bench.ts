/**
 * `npm run bench -- notifications`: push latency of the notifications service — from the
 * transaction that writes an `OrderConfirmedV1` into ordering's outbox (what the ordering service writes) to the
 * WebSocket message on the customer's live stream — on the postgres transport and on Kafka, next
 * to a baseline measured in the same run: a raw Postgres NOTIFY round trip (a transaction with a
 * `pg_notify` → a LISTENing client has it), the floor of the service's own fan-out.
 *
 * Starts its own embedded Postgres (one database per system, as the postgres transport expects),
 * a token issuer standing in for identity, a local Kafka broker (kafka case), and the compiled
 * notifications service as its own process (e-mail off: EMAIL_POLL_MS=0). Per transport:
 *  - `BENCH_NOTIFY_CLIENTS` customers (default 20), each with a WebSocket client connected with a
 *    stream ticket, directly to the service;
 *  - an `OrderPlacedV1` per order first (the service learns whose order it is), then
 *    `OrderConfirmedV1`s at `BENCH_NOTIFY_RATE` per second (default 20) for `BENCH_NOTIFY_SECONDS`
 *    (default 10), one transaction each, round-robin over the customers;
 *  - kafka: the outbox is relayed to Kafka by an `OutboxKafkaRelay` in this process, as the
 *    ordering service's relay would (woken by the outbox NOTIFY);
 *  - latency = WebSocket message received − the publishing transaction's start (BEGIN … COMMIT
 *    included; same clock): p50/p95/p99/max, and how many never arrived within 30 s.
 * The baseline runs at the same rate and length. Ratios: each transport's p50/p95 over the
 * baseline's. Targets of issue 17 (p95 < 500 ms postgres, < 250 ms Kafka) are reported, not asserted.
 * `BENCH_ROUNDS` rounds (default 3) of baseline and transports back to back, the transports'
 * order alternating; figures are medians over rounds, ratios the median over rounds of
 * case / baseline of the same round. `BENCH_NOTIFY_TRANSPORTS` (default `postgres,kafka`) picks
 * the transports.
 * Writes `reports/bench/notifications.json` (BENCH_REPORT overrides).
 */
import { ORDERING_EVENTS } from '@archipelago/commerce-contracts';
import { inTransaction, platformSchemaSql } from '@archipelago/platform-event-store';
import { freePort, startLocalPostgres, type LocalPostgres } from '@archipelago/platform-local-postgres';
import {
  Outbox,
  outboxChannel,
  OutboxKafkaRelay,
  parseTopic,
  type OutgoingMessage,
} from '@archipelago/platform-messaging';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { WebSocket } from 'ws';
import { CONSUMED_TOPICS } from '../src/repository/notifications.infrastructure.js';

type Transport = 'postgres' | 'kafka';
const config = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  clients: Number(process.env.BENCH_NOTIFY_CLIENTS ?? 20),
  rate: Number(process.env.BENCH_NOTIFY_RATE ?? 20),
  seconds: Number(process.env.BENCH_NOTIFY_SECONDS ?? 10),
  transports: (process.env.BENCH_NOTIFY_TRANSPORTS ?? 'postgres,kafka').split(',').filter(Boolean) as Transport[],
  report: resolve(process.env.BENCH_REPORT ?? 'reports/bench/notifications.json'),
};
const TARGET_P95_MS: Record<Transport, number> = { postgres: 500, kafka: 250 };
const ENTRY = 'systems/notifications/notifications/src/main.js';

interface Latencies {
  case: 'baseline' | Transport;
  label: string;
  sent: number;
  received: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN;
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function summarise(kase: Latencies['case'], label: string, sent: number, latencies: number[]): Latencies {
  const l = [...latencies].sort((a, b) => a - b);
  return {
    case: kase,
    label,
    sent,
    received: l.length,
    p50Ms: percentile(l, 50),
    p95Ms: percentile(l, 95),
    p99Ms: percentile(l, 99),
    maxMs: l.at(-1) ?? NaN,
  };
}

function workspaceRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('workspace root not found');
  }
}
const distDir = () => process.env.BENCH_DIST_DIR ?? join(workspaceRoot(), '.cache/bench-dist');

/** Calls `once` at config.rate per second for config.seconds (not waiting for earlier calls). */
async function paced(once: (i: number) => Promise<void>): Promise<number> {
  const total = Math.round(config.rate * config.seconds);
  const t0 = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / config.rate - performance.now();
    if (wait > 1) await sleep(wait);
    running.push(once(i));
  }
  await Promise.all(running);
  return total;
}

/** The compiled notifications service (from the bench's output folder) as its own process. */
async function runService(args: string[], env: Record<string, string>, readyUrl?: string) {
  const script = join(distDir(), ENTRY);
  if (!existsSync(script)) throw new Error(`${script} is missing: run through \`npm run bench -- notifications\``);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', pathToFileURL(join(workspaceRoot(), 'tools/register.mjs')).href, script, ...args],
    {
      cwd: workspaceRoot(),
      env: { ...process.env, ARCHIPELAGO_DIST_DIR: distDir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out = (out + d).slice(-50_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-50_000)));
  const exit = new Promise<number | string | null>((r) => child.on('exit', (code, signal) => r(signal ?? code)));
  let exited = false;
  void exit.then(() => (exited = true));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 8000);
    await exit;
    clearTimeout(t);
  };
  if (!readyUrl) {
    const code = await exit;
    if (code !== 0)
      throw new Error(`notifications ${args.join(' ')} exited with ${String(code)}:\n${out.slice(-4000)}`);
    return { stop, output: () => out };
  }
  for (const deadline = Date.now() + 60_000; ;) {
    if (exited) throw new Error(`notifications exited before it was ready:\n${out.slice(-4000)}`);
    if (
      await fetch(readyUrl, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`notifications not ready in time:\n${out.slice(-4000)}`);
    }
    await sleep(200);
  }
  return { stop, output: () => out };
}

/** A token issuer standing in for identity: an ES256 key, its JWKS over HTTP, customer tokens. */
interface Issuer {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  token(sub: string): Promise<string>;
  close(): Promise<void>;
}
async function startIssuer(): Promise<Issuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] });
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(jwks),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const issuer = 'http://localhost:8000/identity/v1';
  const audience = 'archipelago';
  return {
    jwksUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/jwks.json`,
    issuer,
    audience,
    token: (sub) =>
      new SignJWT({ roles: ['customer'], email: `${sub.slice(0, 8)}@bench.local` })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime('900s')
        .sign(privateKey),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Raw LISTEN/NOTIFY: a transaction with a pg_notify begins → the listening client has it. */
async function baseline(postgres: LocalPostgres): Promise<Latencies> {
  const pool = new pg.Pool({ connectionString: postgres.url('notifications'), max: 6 });
  const listener = new pg.Client({ connectionString: postgres.url('notifications') });
  await listener.connect();
  await listener.query('LISTEN bench_baseline');
  const published = new Map<string, number>();
  const latencies: number[] = [];
  listener.on('notification', (n) => {
    const at = published.get(n.payload ?? '');
    if (at !== undefined) latencies.push(performance.now() - at);
  });
  const sent = await paced(async () => {
    const key = randomUUID();
    published.set(key, performance.now());
    await inTransaction(pool, (c) => c.query('SELECT pg_notify($1, $2)', ['bench_baseline', key]));
  });
  for (const deadline = Date.now() + 10_000; latencies.length < sent && Date.now() < deadline;) await sleep(20);
  await listener.end();
  await pool.end();
  return summarise('baseline', 'raw NOTIFY round trip (baseline)', sent, latencies);
}

/** One transport on a Postgres server of its own: the service, the clients, the paced events. */
async function measure(transport: Transport, issuer: Issuer, brokers: string | undefined): Promise<Latencies> {
  const postgres = await startLocalPostgres({ dataDir: 'tmp' });
  try {
    return await measureOn(postgres, transport, issuer, brokers);
  } finally {
    await postgres.stop().catch(() => undefined);
  }
}
async function measureOn(
  postgres: LocalPostgres,
  transport: Transport,
  issuer: Issuer,
  brokers: string | undefined,
): Promise<Latencies> {
  // A database per system the service reads (postgres transport: every publisher's outbox), each
  // with its platform tables.
  const sources = [...new Set(CONSUMED_TOPICS.map((t) => parseTopic(t)))];
  for (const system of new Set(['notifications', ...sources.map((s) => s.system)]))
    await postgres.ensureDatabase(system);
  for (const { system, service } of sources) {
    const c = new pg.Client({ connectionString: postgres.url(system) });
    await c.connect();
    await c.query(platformSchemaSql(service.replaceAll('-', '_')));
    await c.end();
  }
  const commerce = new pg.Pool({ connectionString: postgres.url('commerce'), max: 8 });
  commerce.on('error', () => undefined);
  const outbox = new Outbox('ordering', { notifyChannel: outboxChannel('ordering') });

  const httpPort = await freePort();
  const env = {
    SERVICE_NAME: 'notifications',
    SYSTEM: 'notifications',
    HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    DATABASE_URL: postgres.url('notifications'),
    DB_SCHEMA: 'notifications',
    MESSAGING_TRANSPORT: transport,
    ...(brokers ? { KAFKA_BROKERS: brokers } : {}),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    EMAIL_POLL_MS: '0',
  };
  const base = `http://127.0.0.1:${httpPort}`;
  await runService(['migrate'], env);
  const service = await runService([], env, `${base}/health/ready`);
  const closers: Array<() => Promise<unknown>> = [() => service.stop(), () => commerce.end()];
  try {
    let relay: OutboxKafkaRelay | undefined;
    if (transport === 'kafka') {
      const producer = new Kafka({
        clientId: 'bench-ordering',
        brokers: [brokers!],
        logLevel: logLevel.NOTHING,
      }).producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      closers.unshift(() => producer.disconnect());
      relay = new OutboxKafkaRelay(commerce, 'ordering', producer, {
        source: '/commerce/ordering',
        notifyChannel: outboxChannel('ordering'),
      });
      await relay.start();
      closers.unshift(() => relay!.stop());
    }

    // Customers and their live streams.
    const received = new Map<string, number>(); // orderId → when its message arrived
    const customers = await Promise.all(
      Array.from({ length: config.clients }, async () => {
        const id = randomUUID();
        const token = await issuer.token(id);
        const res = await fetch(`${base}/notifications/v1/stream-tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        if (res.status !== 201) throw new Error(`stream ticket: ${res.status} ${await res.text()}`);
        const { ticket } = (await res.json()) as { ticket: string };
        const ws = new WebSocket(`${base.replace('http', 'ws')}/notifications/v1/stream?ticket=${ticket}`);
        ws.on('message', (data) => {
          const at = performance.now();
          const m = JSON.parse(String(data)) as { type: string; notification: { data: { orderId?: string } } };
          if (m.type === 'notification' && m.notification.data.orderId) received.set(m.notification.data.orderId, at);
        });
        await new Promise((r, j) => ws.once('open', r).once('error', j));
        closers.unshift(async () => ws.terminate());
        return id;
      }),
    );
    const publish = (messages: OutgoingMessage[]) => inTransaction(commerce, (c) => outbox.add(c, messages));
    const placed = (orderId: string, customerId: string): OutgoingMessage => ({
      ...ORDERING_EVENTS.OrderPlacedV1,
      key: orderId,
      payload: {
        orderId,
        customerId,
        items: [],
        total: { amount: 100, currency: 'USD' },
        placedAt: new Date().toISOString(),
      },
    });
    const confirmed = (orderId: string): OutgoingMessage => ({
      ...ORDERING_EVENTS.OrderConfirmedV1,
      key: orderId,
      payload: { orderId, at: new Date().toISOString() },
    });

    const warmup = config.clients * 2;
    const total = Math.round(config.rate * config.seconds);
    const orders = Array.from({ length: warmup + total }, (_, i) => ({
      id: randomUUID(),
      customer: customers[i % customers.length]!,
    }));
    for (let i = 0; i < orders.length; i += 200)
      await publish(orders.slice(i, i + 200).map((o) => placed(o.id, o.customer)));
    const notifications = new pg.Pool({ connectionString: postgres.url('notifications'), max: 1 });
    notifications.on('error', () => undefined);
    closers.push(() => notifications.end());
    for (const deadline = Date.now() + 60_000; ;) {
      const { rows } = await notifications.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM notifications.known_orders',
      );
      if (rows[0]!.n >= orders.length) break;
      if (Date.now() > deadline) throw new Error(`the service learnt ${rows[0]!.n} of ${orders.length} orders in 60 s`);
      await sleep(100);
    }
    // Warm-up (JIT, connections, partition metadata): not measured.
    for (const o of orders.slice(0, warmup)) await publish([confirmed(o.id)]);
    for (
      const deadline = Date.now() + 30_000;
      orders.slice(0, warmup).some((o) => !received.has(o.id)) && Date.now() < deadline;
    )
      await sleep(50);

    const published = new Map<string, number>();
    const measured = orders.slice(warmup);
    await paced(async (i) => {
      const o = measured[i]!;
      published.set(o.id, performance.now());
      await publish([confirmed(o.id)]);
    });
    for (const deadline = Date.now() + 30_000; measured.some((o) => !received.has(o.id)) && Date.now() < deadline;)
      await sleep(50);
    const latencies = measured.filter((o) => received.has(o.id)).map((o) => received.get(o.id)! - published.get(o.id)!);
    return summarise(
      transport,
      transport === 'kafka'
        ? 'kafka: outbox → relay → Kafka → service → WebSocket'
        : 'postgres: outbox → service → WebSocket',
      measured.length,
      latencies,
    );
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const began = performance.now();
  console.log(
    `notifications push-latency bench: ${config.clients} WebSocket clients, ${config.rate} events/s for ${config.seconds} s; transports ${config.transports.join(', ')}`,
  );
  const needKafka = config.transports.includes('kafka');
  const { startKafka } = (await import(pathToFileURL(join(workspaceRoot(), 'infra/local/kafka/kafka.mjs')).href)) as {
    startKafka(o: { dataDir: string }): Promise<{ brokers: string; stop(): Promise<void> }>;
  };
  const [postgres, issuer, kafka] = await Promise.all([
    startLocalPostgres({ dataDir: 'tmp' }),
    startIssuer(),
    needKafka ? startKafka({ dataDir: 'tmp' }) : Promise.resolve(undefined),
  ]);
  try {
    await postgres.ensureDatabase('notifications');
    const serverVersion = await (async () => {
      const c = new pg.Client({ connectionString: postgres.url() });
      await c.connect();
      const { rows } = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      await c.end();
      return rows[0]!.v;
    })();
    console.log(
      `  Postgres ${serverVersion}${kafka ? ` and Kafka (${kafka.brokers})` : ''} up after ${((performance.now() - began) / 1000).toFixed(1)} s`,
    );
    const samples: Array<Latencies & { round: number }> = [];
    for (let round = 1; round <= config.rounds; round++) {
      // The transports' order alternates between rounds so drift does not favour one.
      const order = round % 2 ? config.transports : [...config.transports].reverse();
      samples.push({ ...(await baseline(postgres)), round });
      for (const transport of order) {
        const r = await measure(transport, issuer, transport === 'kafka' ? kafka!.brokers : undefined);
        samples.push({ ...r, round });
      }
      const line = samples
        .filter((x) => x.round === round)
        .map((x) => `${x.case} ${x.received}/${x.sent} p50 ${x.p50Ms.toFixed(1)} p95 ${x.p95Ms.toFixed(1)} ms`)
        .join('; ');
      console.log(`  round ${round}: ${line}`);
    }
    const cases: Latencies['case'][] = ['baseline', ...config.transports];
    /** Median over rounds of (case / baseline of the same round) for a percentile. */
    const ratio = (c: Latencies['case'], key: 'p50Ms' | 'p95Ms') =>
      median(
        samples
          .filter((x) => x.case === c)
          .map((x) => x[key] / samples.find((b) => b.case === 'baseline' && b.round === x.round)![key])
          .filter(Number.isFinite),
      );
    const results = cases.map((c) => {
      const xs = samples.filter((x) => x.case === c);
      return {
        case: c,
        label: xs[0]!.label,
        sent: xs.reduce((n, x) => n + x.sent, 0),
        received: xs.reduce((n, x) => n + x.received, 0),
        p50Ms: median(xs.map((x) => x.p50Ms)),
        p95Ms: median(xs.map((x) => x.p95Ms)),
        p99Ms: median(xs.map((x) => x.p99Ms)),
        maxMs: Math.max(...xs.map((x) => x.maxMs)),
        p95MsMinMax: [Math.min(...xs.map((x) => x.p95Ms)), Math.max(...xs.map((x) => x.p95Ms))],
        p50VsBaseline: c === 'baseline' ? 1 : ratio(c, 'p50Ms'),
        p95VsBaseline: c === 'baseline' ? 1 : ratio(c, 'p95Ms'),
      };
    });
    const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
    const rows = [
      [
        'path',
        'received',
        'p50 ms',
        'p95 ms',
        'p95 min–max',
        'p99 ms',
        'max ms',
        'p50 / base',
        'p95 / base',
        'p95 target',
      ],
      ...results.map((r) => [
        r.label,
        `${r.received}/${r.sent}`,
        fmt(r.p50Ms),
        fmt(r.p95Ms),
        `${fmt(r.p95MsMinMax[0]!)}–${fmt(r.p95MsMinMax[1]!)}`,
        fmt(r.p99Ms),
        fmt(r.maxMs),
        fmt(r.p50VsBaseline),
        fmt(r.p95VsBaseline),
        r.case === 'baseline'
          ? ''
          : `< ${TARGET_P95_MS[r.case]} ms: ${r.p95Ms < TARGET_P95_MS[r.case] ? 'met' : 'missed'}`,
      ]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    console.log(
      `\nMedians of ${config.rounds} round(s); ratios: median over rounds of case / baseline of the same round. ` +
        `${config.clients} clients, ${config.rate} events/s for ${config.seconds} s per case; ` +
        `latency = WebSocket message − publishing transaction's BEGIN (ms). Node ${process.version}, ${os.cpus().length} CPU(s), load ${load}\n`,
    );
    for (const [i, r] of rows.entries()) {
      console.log(r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  '));
      if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    }
    console.log(`bench time ${((performance.now() - began) / 1000).toFixed(1)} s`);
    await mkdir(dirname(config.report), { recursive: true });
    await writeFile(
      config.report,
      JSON.stringify(
        {
          benchmark: 'notifications-push-latency',
          date: new Date().toISOString(),
          environment: {
            node: process.version,
            postgres: serverVersion,
            kafka: kafka ? 'local KRaft broker (infra/local/kafka), 1 node' : undefined,
            cpus: os.cpus().length,
            cpuModel: os.cpus()[0]?.model,
            memoryBytes: os.totalmem(),
            platform: `${os.platform()} ${os.release()}`,
            loadAverageAfter: os.loadavg(),
          },
          config: {
            rounds: config.rounds,
            clients: config.clients,
            rate: config.rate,
            seconds: config.seconds,
            transports: config.transports,
          },
          targetsP95Ms: TARGET_P95_MS,
          results,
          rounds: samples,
        },
        null,
        2,
      ),
    );
    console.log(`report: ${config.report}`);
  } finally {
    await Promise.allSettled([postgres.stop(), issuer.close(), kafka?.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
