import { type AppendObserver, ident, type ProjectionRunner } from '@archipelago/platform-event-store';
import type pg from 'pg';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { observeInboxDuplicates } from './inbox.js';
import type { Messaging } from './messaging.js';
import type { RetentionCounts } from './retention.js';

/**
 * Prometheus metrics of the event-sourcing plumbing (blueprint §9), registered on `registry`:
 * - `outbox_pending_messages` (gauge): outbox rows not yet published (kafka transport);
 * - `outbox_commit_to_publish_seconds` (histogram): from outbox commit to Kafka acknowledgement;
 * - `projection_lag_events{projection}` (gauge): log positions a projection is behind;
 * - `outbox_oldest_unpublished_age_seconds` (gauge, kafka transport): age of the oldest unpublished row;
 * - `dead_letters{consumer_group}` (gauge): dead letters in the schema's `dead_letters` table not replayed;
 * - `consumer_lag_messages{consumer_group,source}` (gauge): messages left to read (postgres: per
 *   source outbox; kafka: per topic, log end offsets minus the group's commits, asked of the broker).
 * - `inbox_duplicates_dropped_total{consumer_group}` (counter): redelivered messages the inbox of a
 *   consumer group of this process skipped (processed before).
 * Gauges are computed when scraped. Returns the hook to pass as the relay's `onPublished`.
 */
export function registerMessagingMetrics(
  registry: Registry,
  sources: { messaging: Messaging; projections?: readonly ProjectionRunner[] },
): (latenciesMs: number[]) => void {
  const duplicates = new Counter({
    name: 'inbox_duplicates_dropped_total',
    help: 'Redelivered messages a consumer group skipped because its inbox had processed them before.',
    labelNames: ['consumer_group'],
    registers: [registry],
  });
  observeInboxDuplicates((consumerGroup) => duplicates.inc({ consumer_group: consumerGroup }));
  new Gauge({
    name: 'outbox_pending_messages',
    help: 'Outbox rows not yet published to the broker.',
    registers: [registry],
    async collect() {
      this.set(await sources.messaging.pendingOutbox().catch(() => 0));
    },
  });
  const lag = new Gauge({
    name: 'projection_lag_events',
    help: 'Event log positions a projection is behind the head.',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      for (const runner of sources.projections ?? []) {
        const { behind } = await runner.lag().catch(() => ({ behind: -1 }));
        lag.set({ projection: runner.projection.name }, behind);
      }
    },
  });
  const { pool, schema, transport } = sources.messaging.options;
  new Gauge({
    name: 'outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest outbox row not yet published to the broker (0 when none; kafka transport).',
    registers: [registry],
    async collect() {
      if (transport !== 'kafka') return this.set(0);
      const { rows } = await pool
        .query<{ age: number | null }>(
          `SELECT extract(epoch FROM now() - min(created_at))::float8 AS age FROM ${ident(schema)}.outbox WHERE published_at IS NULL`,
        )
        .catch(() => ({ rows: [{ age: -1 }] }));
      this.set(rows[0]?.age ?? 0);
    },
  });
  const deadLetters = new Gauge({
    name: 'dead_letters',
    help: "Dead letters of this service's consumer groups not replayed yet (postgres transport's dead_letters table).",
    labelNames: ['consumer_group'],
    registers: [registry],
    async collect() {
      deadLetters.reset();
      const { rows } = await pool
        .query<{ consumer_group: string; n: number }>(
          `SELECT consumer_group, count(*)::int AS n FROM ${ident(schema)}.dead_letters WHERE replayed_at IS NULL GROUP BY consumer_group`,
        )
        .catch(() => ({ rows: [] }));
      for (const row of rows) deadLetters.set({ consumer_group: row.consumer_group }, row.n);
    },
  });
  const consumerLag = new Gauge({
    name: 'consumer_lag_messages',
    help: 'Messages a consumer group still has to read: per source outbox (postgres transport) or per topic (kafka).',
    labelNames: ['consumer_group', 'source'],
    registers: [registry],
    async collect() {
      consumerLag.reset();
      for (const lag of await sources.messaging.consumerLag().catch(() => [])) {
        consumerLag.set({ consumer_group: lag.group, source: lag.source }, lag.messages);
      }
    },
  });
  const latency = new Histogram({
    name: 'outbox_commit_to_publish_seconds',
    help: 'Time from outbox commit to broker acknowledgement.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (latenciesMs) => {
    for (const ms of latenciesMs) latency.observe(ms / 1000);
  };
}

/**
 * Registers `messaging_retention_deleted_rows_total{table}` (counter; `table` is `outbox`, `inbox`
 * or `dead_letters`) on `registry`: rows the retention job of this process deleted. Returns the
 * hook to pass as the retention's `onPass`.
 */
export function registerRetentionMetrics(registry: Registry): (deleted: RetentionCounts) => void {
  const deletedRows = new Counter({
    name: 'messaging_retention_deleted_rows_total',
    help: 'Rows the messaging retention job deleted from the outbox, inbox and dead-letter tables.',
    labelNames: ['table'],
    registers: [registry],
  });
  return (deleted) => {
    for (const [table, rows] of Object.entries(deleted)) deletedRows.inc({ table }, rows);
  };
}

/**
 * Registers `event_store_append_duration_seconds{outcome}` (histogram; outcome `ok`, `conflict` —
 * lost an optimistic-concurrency race, retried by the use case — or `error`) and
 * `event_store_append_conflicts_total` (counter) on `registry`. Returns the observer to give the
 * event store (`PostgresEventStore`'s `onAppend`).
 */
export function registerEventStoreMetrics(registry: Registry): AppendObserver {
  const duration = new Histogram({
    name: 'event_store_append_duration_seconds',
    help: 'Event-store append duration in seconds, by outcome (ok, conflict, error).',
    labelNames: ['outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const conflicts = new Counter({
    name: 'event_store_append_conflicts_total',
    help: 'Appends that lost an optimistic-concurrency race (wrong expected version).',
    registers: [registry],
  });
  return (seconds, outcome) => {
    duration.observe({ outcome }, seconds);
    if (outcome === 'conflict') conflicts.inc();
  };
}

/**
 * Registers the connection-pool gauges of node-postgres pools on `registry`, with the
 * OpenTelemetry database-client metric names (semantic conventions `db.client.connection.*`, in
 * Prometheus form; `pool_name` is the key of `pools`):
 * - `db_client_connection_count{pool_name,state}`: open connections, `state` `idle` or `used`;
 * - `db_client_connection_pending_requests{pool_name}`: queries waiting for a connection;
 * - `db_client_connection_max{pool_name}`: the pool's `max`.
 * Read from `pg.Pool`'s `totalCount`, `idleCount` and `waitingCount` when scraped.
 */
export function registerPoolMetrics(registry: Registry, pools: Readonly<Record<string, pg.Pool>>): void {
  const entries = Object.entries(pools);
  new Gauge({
    name: 'db_client_connection_count',
    help: 'Open database connections of a pool, by state (idle, used).',
    labelNames: ['pool_name', 'state'],
    registers: [registry],
    collect() {
      for (const [name, pool] of entries) {
        this.set({ pool_name: name, state: 'idle' }, pool.idleCount);
        this.set({ pool_name: name, state: 'used' }, pool.totalCount - pool.idleCount);
      }
    },
  });
  new Gauge({
    name: 'db_client_connection_pending_requests',
    help: 'Queries waiting for a connection of a pool.',
    labelNames: ['pool_name'],
    registers: [registry],
    collect() {
      for (const [name, pool] of entries) this.set({ pool_name: name }, pool.waitingCount);
    },
  });
  new Gauge({
    name: 'db_client_connection_max',
    help: 'Most connections a pool opens.',
    labelNames: ['pool_name'],
    registers: [registry],
    collect() {
      for (const [name, pool] of entries) this.set({ pool_name: name }, pool.options.max ?? 10);
    },
  });
}
