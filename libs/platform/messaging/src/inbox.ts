import type pg from 'pg';
import { ident, inTransaction } from '@archipelago/platform-event-store';
import type { IncomingMessage } from './message.types.js';

const duplicateObservers = new Set<(consumerGroup: string) => void>();

/**
 * Calls `observer` with the consumer group each time an {@link Inbox} of this process skips a
 * message it had processed before (a redelivery: at-least-once delivery at work). Returns the
 * function that stops observing. `registerMessagingMetrics` counts them as
 * `inbox_duplicates_dropped_total{consumer_group}`.
 */
export function observeInboxDuplicates(observer: (consumerGroup: string) => void): () => void {
  duplicateObservers.add(observer);
  return () => void duplicateObservers.delete(observer);
}

/**
 * Inbox of an idempotent consumer: records (consumer group, message id) in the same transaction
 * as the message's effect. A message seen before is skipped, so at-least-once delivery becomes
 * effectively-once processing.
 */
export class Inbox {
  private readonly table: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
    readonly consumerGroup: string,
  ) {
    this.table = `${ident(schema)}.inbox`;
  }

  /**
   * Runs `effect` in a transaction unless the message was already processed by this group.
   * Returns `true` when the effect ran and committed, `false` for a duplicate. Only the message's
   * `id` (the key, with the consumer group) and `topic` (recorded) are read, so a caller that keeps
   * just those (an inbox entry handed down to a repository) passes them as they are.
   */
  async handleOnce(message: Pick<IncomingMessage, 'id' | 'topic'>, effect: (client: pg.PoolClient) => Promise<void>): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO ${this.table} (consumer_group, message_id, topic) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [this.consumerGroup, message.id, message.topic],
      );
      if (rowCount === 0) {
        for (const observe of duplicateObservers) observe(this.consumerGroup);
        return false;
      }
      await effect(client);
      return true;
    });
  }
}
