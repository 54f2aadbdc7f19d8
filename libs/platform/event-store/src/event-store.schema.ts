import { ident } from './sql.js';

/**
 * DDL of the platform tables in one service schema (blueprint §4): the event store, projection
 * checkpoints, the transactional outbox, the inbox of idempotent consumers, consumer checkpoints of
 * the `postgres` transport and dead letters. Idempotent (`IF NOT EXISTS`): safe to run on every migration.
 *
 * `transaction_id` (xid8) is what makes catch-up reading safe: readers order by
 * (transaction_id, position) and stop below `pg_snapshot_xmin(pg_current_snapshot())`, so a row
 * committed late with a lower position is never skipped.
 */
export function platformSchemaSql(schema: string): string {
  const s = ident(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE IF NOT EXISTS ${s}.events (
  global_position BIGSERIAL PRIMARY KEY,
  transaction_id  XID8        NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       TEXT        NOT NULL,
  stream_version  INTEGER     NOT NULL CHECK (stream_version > 0),
  event_id        UUID        NOT NULL UNIQUE,
  event_type      TEXT        NOT NULL,
  schema_version  INTEGER     NOT NULL DEFAULT 1,
  data            JSONB       NOT NULL,
  metadata        JSONB       NOT NULL DEFAULT '{}',
  recorded_at     TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT events_stream_version_uq UNIQUE (stream_id, stream_version)
);
CREATE INDEX IF NOT EXISTS events_catch_up_idx ON ${s}.events (transaction_id, global_position);

CREATE TABLE IF NOT EXISTS ${s}.projection_checkpoints (
  projection      TEXT PRIMARY KEY,
  transaction_id  XID8        NOT NULL DEFAULT '0',
  position        BIGINT      NOT NULL DEFAULT 0,
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS ${s}.outbox (
  position        BIGSERIAL PRIMARY KEY,
  transaction_id  XID8        NOT NULL DEFAULT pg_current_xact_id(),
  message_id      UUID        NOT NULL UNIQUE,
  topic           TEXT        NOT NULL,
  message_key     TEXT        NOT NULL,
  message_type    TEXT        NOT NULL,
  payload         JSONB       NOT NULL,
  headers         JSONB       NOT NULL DEFAULT '{}',
  created_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  published_at    TIMESTAMPTZ,
  attempts        INTEGER     NOT NULL DEFAULT 0,
  next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT '-infinity',
  last_error      TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending_idx ON ${s}.outbox (position) WHERE published_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_log_idx ON ${s}.outbox (transaction_id, position);

CREATE TABLE IF NOT EXISTS ${s}.inbox (
  consumer_group  TEXT        NOT NULL,
  message_id      TEXT        NOT NULL,
  topic           TEXT        NOT NULL,
  processed_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, message_id)
);
-- Retention (messaging's MessagingRetention) deletes the rows processed longest ago in batches.
CREATE INDEX IF NOT EXISTS inbox_processed_idx ON ${s}.inbox (processed_at);

CREATE TABLE IF NOT EXISTS ${s}.consumer_checkpoints (
  consumer_group  TEXT        NOT NULL,
  source          TEXT        NOT NULL,
  transaction_id  XID8        NOT NULL DEFAULT '0',
  position        BIGINT      NOT NULL DEFAULT 0,
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, source)
);

CREATE TABLE IF NOT EXISTS ${s}.dead_letters (
  id              BIGSERIAL PRIMARY KEY,
  consumer_group  TEXT        NOT NULL,
  topic           TEXT        NOT NULL,
  message_id      TEXT        NOT NULL,
  message_key     TEXT,
  message_type    TEXT        NOT NULL,
  payload         JSONB       NOT NULL,
  headers         JSONB       NOT NULL DEFAULT '{}',
  attempts        INTEGER     NOT NULL,
  error           TEXT        NOT NULL,
  failed_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- set by the replay command; the running consumer redelivers the row and sets replayed_at
  replay_requested_at TIMESTAMPTZ,
  replayed_at     TIMESTAMPTZ
);
-- Columns added after the first release of a table (CREATE TABLE IF NOT EXISTS keeps old shapes).
ALTER TABLE ${s}.dead_letters ADD COLUMN IF NOT EXISTS replay_requested_at TIMESTAMPTZ;
`;
}
