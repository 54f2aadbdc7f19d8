import type { ProjectionRunner } from '@archipelago/platform-event-store';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Messaging } from './messaging.js';
import type { RetentionCounts } from './retention.js';

/**
 * Prometheus metrics of the event-sourcing plumbing (blueprint §9), registered on `registry`:
 * - `outbox_pending_messages` (gauge): outbox rows not yet published (kafka transport);
 * - `outbox_commit_to_publish_seconds` (histogram): from outbox commit to Kafka acknowledgement;
 * - `projection_lag_events{projection}` (gauge): log positions a projection is behind.
 * Gauges are computed when scraped. Returns the hook to pass as the relay's `onPublished`.
 */
export function registerMessagingMetrics(
  registry: Registry,
  sources: { messaging: Messaging; projections?: readonly ProjectionRunner[] },
): (latenciesMs: number[]) => void {
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
