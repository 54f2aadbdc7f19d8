import { ident, type SqlClient } from '@archipelago/platform-event-store';
import { platformCounter, platformHistogram } from '@archipelago/platform-service';
import type { OrderEvent } from '../entity/order/order.events.js';

/** Value of the `saga` label of the order saga's metrics. */
export const ORDER_SAGA = 'order';

/**
 * The order saga's Prometheus metrics (on the service's `/metrics`), observed as the order stream
 * records its events:
 * - `saga_steps_total{saga,step}` (counter): events recorded, `step` = the event type;
 * - `saga_completions_total{saga,outcome}` (counter): sagas that reached a terminal state, `outcome`
 *   `confirmed` or the cancellation reason (`out_of_stock`, `payment_declined`,
 *   `cancelled_by_customer`, `timeout`);
 * - `saga_timeouts_total{saga}` (counter): sagas cancelled by their deadline;
 * - `saga_duration_seconds{saga,outcome}` (histogram): placement (`OrderPlaced.placedAt`) to the
 *   terminal event's `at`, in seconds.
 * Observed inside the writing transaction, after the append: a transaction rolled back later
 * (rare: the outbox or deadline write failing) is counted all the same.
 */
export class OrderSagaMetrics {
  private readonly steps = platformCounter({
    name: 'saga_steps_total',
    help: 'Saga events recorded, by saga and step (event type).',
    labelNames: ['saga', 'step'],
  });
  private readonly completions = platformCounter({
    name: 'saga_completions_total',
    help: 'Sagas that reached a terminal state, by outcome (confirmed or the cancellation reason).',
    labelNames: ['saga', 'outcome'],
  });
  private readonly timeouts = platformCounter({
    name: 'saga_timeouts_total',
    help: 'Sagas cancelled because their deadline passed.',
    labelNames: ['saga'],
  });
  private readonly duration = platformHistogram({
    name: 'saga_duration_seconds',
    help: 'Time from placement to the terminal state of a saga, in seconds, by outcome.',
    labelNames: ['saga', 'outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600],
  });

  /**
   * Counts `events` just appended to order `orderId`'s stream. For a terminal event it needs the
   * placement time: from the batch, else the stream's first event, read with `client` from
   * `<schema>.events`.
   */
  async recorded(client: SqlClient, schema: string, streamId: string, events: readonly OrderEvent[]): Promise<void> {
    for (const event of events) {
      this.steps.inc({ saga: ORDER_SAGA, step: event.type });
      if (event.type !== 'OrderConfirmed' && event.type !== 'OrderCancelled') continue;
      const outcome = event.type === 'OrderConfirmed' ? 'confirmed' : event.data.reason;
      this.completions.inc({ saga: ORDER_SAGA, outcome });
      if (outcome === 'timeout') this.timeouts.inc({ saga: ORDER_SAGA });
      const placedAt = await this.placedAt(client, schema, streamId, events);
      const seconds = placedAt === undefined ? Number.NaN : (Date.parse(event.data.at) - Date.parse(placedAt)) / 1000;
      if (Number.isFinite(seconds) && seconds >= 0) this.duration.observe({ saga: ORDER_SAGA, outcome }, seconds);
    }
  }

  private async placedAt(client: SqlClient, schema: string, streamId: string, events: readonly OrderEvent[]): Promise<string | undefined> {
    const placed = events.find((e) => e.type === 'OrderPlaced');
    if (placed) return placed.data.placedAt;
    const { rows } = await client.query<{ placed_at: string | null }>(
      `SELECT data->>'placedAt' AS placed_at FROM ${ident(schema)}.events WHERE stream_id = $1 AND stream_version = 1`,
      [streamId],
    );
    return rows[0]?.placed_at ?? undefined;
  }
}
