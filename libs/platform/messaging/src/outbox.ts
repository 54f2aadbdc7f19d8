import { randomUUID } from 'node:crypto';
import { afterCommit, ident, type SqlClient } from '@archipelago/platform-event-store';
import { context, trace } from '@opentelemetry/api';
import { DomainAttributes, MessagingAttributes, platformTracer, SpanKind, traceparentOf } from '@archipelago/platform-telemetry';
import type { OutgoingMessage } from './message.types.js';

/** How an outbox wakes its relay when messages were added (both optional: the relay also polls). */
export interface OutboxWakeUp {
  /**
   * In-process wake-up of the relay, called after the writer's transaction committed. Used when
   * the transaction is an `inTransaction` unit of work (see `afterCommit`); no database lock.
   */
  readonly afterCommit?: () => void;
  /**
   * LISTEN/NOTIFY channel, NOTIFYed inside the writer's transaction when `afterCommit` cannot be
   * used (a transaction opened elsewhere). A NOTIFY takes a database-wide lock at commit that
   * serialises notifying committers, so it is only the fallback.
   */
  readonly notifyChannel?: string;
}

/**
 * Transactional outbox writer: call `add` with the same client (transaction) that appends the
 * domain events, so the integration events exist if and only if the change committed.
 */
export class Outbox {
  private readonly table: string;

  constructor(
    readonly schema: string,
    private readonly options: OutboxWakeUp = {},
  ) {
    this.table = `${ident(schema)}.outbox`;
  }

  /**
   * Inserts `messages` in order; returns their ids. Then wakes the relay (a hint only): after the
   * commit in-process when possible, else by NOTIFY in the transaction (see {@link OutboxWakeUp}).
   */
  async add(client: SqlClient, messages: readonly OutgoingMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const ids = messages.map((m) => m.id ?? randomUUID());
    const traceparents = messages.map((m, i) => createSpanTraceparent(m, ids[i]!) ?? m.traceparent);
    await client.query({
      // Named: parsed and planned once per connection.
      name: `outbox_add_${this.schema}`,
      text: `INSERT INTO ${this.table} (message_id, topic, message_key, message_type, payload, headers)
       SELECT m.id, m.topic, m.key, m.type, m.payload::jsonb, m.headers::jsonb
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
         AS m(id, topic, key, type, payload, headers, ord)
       ORDER BY m.ord`,
      values: [
        ids,
        messages.map((m) => m.topic),
        messages.map((m) => m.key),
        messages.map((m) => m.type),
        messages.map((m) => JSON.stringify(m.payload)),
        messages.map((m, i) =>
          JSON.stringify({ ...(m.headers ?? {}), ...(traceparents[i] ? { traceparent: traceparents[i] } : {}) }),
        ),
      ],
    });
    const { afterCommit: wake, notifyChannel } = this.options;
    if (wake && afterCommit(client, wake)) return ids;
    if (notifyChannel) await client.query('SELECT pg_notify($1, $2)', [notifyChannel, '']);
    return ids;
  }
}

/**
 * Messaging semantic conventions, "create" operation: a PRODUCER span per message written to the
 * outbox, child of the active span (the command being handled). Its `traceparent` is stored on the
 * row, so the relay's send and every consumer continue this trace. `undefined` while tracing is
 * off or no span is active (the message's own `traceparent` is kept then).
 */
function createSpanTraceparent(message: OutgoingMessage, id: string): string | undefined {
  if (!trace.getActiveSpan()) return undefined;
  const span = platformTracer().startSpan(`create ${message.topic}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      [MessagingAttributes.operationType]: 'create',
      [MessagingAttributes.operationName]: 'create',
      [MessagingAttributes.destination]: message.topic,
      [MessagingAttributes.messageId]: id,
      [MessagingAttributes.kafkaKey]: message.key,
      [DomainAttributes.aggregateId]: message.key,
      [DomainAttributes.eventType]: message.type,
      ...(message.headers?.['x-correlation-id'] ? { [DomainAttributes.correlationId]: message.headers['x-correlation-id'] } : {}),
    },
  });
  span.end();
  return traceparentOf(trace.setSpan(context.active(), span));
}

/** The LISTEN/NOTIFY channel of a schema's outbox. */
export function outboxChannel(schema: string): string {
  return `outbox_${schema}`;
}
