import type { IncomingMessage } from './message.types.js';

/** Stored outbox row, as both transports see it. */
export interface OutboxRow {
  position: string;
  transaction_id: string;
  message_id: string;
  topic: string;
  message_key: string;
  message_type: string;
  payload: unknown;
  headers: Record<string, string>;
  created_at: Date;
}

/**
 * Kafka headers of a message in CloudEvents 1.0 binary content mode (Kafka protocol binding):
 * `ce_specversion`, `ce_id`, `ce_type`, `ce_source`, `ce_time`, `content-type`, plus the row's
 * own headers (`traceparent`, correlation id …).
 */
export function cloudEventHeaders(row: OutboxRow, source: string): Record<string, string> {
  return {
    ...row.headers,
    ce_specversion: '1.0',
    ce_id: row.message_id,
    ce_type: row.message_type,
    ce_source: source,
    ce_time: new Date(row.created_at).toISOString(),
    'content-type': 'application/json',
  };
}

/** Builds the transport-neutral message from CloudEvents headers and a JSON payload. */
export function fromCloudEvent(
  topic: string,
  key: string,
  headers: Record<string, string>,
  payload: unknown,
): IncomingMessage {
  return {
    id: headers.ce_id ?? '',
    topic,
    key,
    type: headers.ce_type ?? '',
    source: headers.ce_source ?? '',
    time: headers.ce_time ?? '',
    payload,
    headers,
  };
}
