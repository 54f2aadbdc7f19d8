import { randomUUID } from 'node:crypto';
import { ident, type SqlClient } from '@archipelago/platform-event-store';
import type { OutgoingMessage } from './message.types.js';

/**
 * Transactional outbox writer: call `add` with the same client (transaction) that appends the
 * domain events, so the integration events exist if and only if the change committed.
 */
export class Outbox {
  private readonly table: string;

  constructor(
    readonly schema: string,
    private readonly options: { notifyChannel?: string } = {},
  ) {
    this.table = `${ident(schema)}.outbox`;
  }

  /** Inserts `messages` in order; returns their ids. Optionally NOTIFYs the relay (a wake-up hint only). */
  async add(client: SqlClient, messages: readonly OutgoingMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const ids = messages.map((m) => m.id ?? randomUUID());
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
        messages.map((m) =>
          JSON.stringify({ ...(m.headers ?? {}), ...(m.traceparent ? { traceparent: m.traceparent } : {}) }),
        ),
      ],
    });
    if (this.options.notifyChannel) await client.query('SELECT pg_notify($1, $2)', [this.options.notifyChannel, '']);
    return ids;
  }
}

/** The LISTEN/NOTIFY channel of a schema's outbox. */
export function outboxChannel(schema: string): string {
  return `outbox_${schema}`;
}
