import { platformSchemaSql } from '@archipelago/platform-event-store';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform tables (outbox, inbox, dead letters …) and the notifications tables: the inbox of
 * notifications (one per source event × recipient), the users and orders projections recipients
 * are resolved from, preferences, outbound deliveries (one per notification × channel) with their
 * dead letters, and the live stream's tickets (SHA-256 hashes only).
 */
export function notificationsInitMigration(schema: string): new () => MigrationInterface {
  return class NotificationsInit1796578352014 implements MigrationInterface {
    name = 'NotificationsInit1796578352014';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(platformSchemaSql(schema));
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".notifications (
          id              UUID PRIMARY KEY,
          recipient_id    TEXT NOT NULL,
          category        TEXT NOT NULL,
          title           TEXT NOT NULL,
          body            TEXT NOT NULL,
          link            TEXT,
          data            JSONB NOT NULL DEFAULT '{}',
          read            BOOLEAN NOT NULL DEFAULT false,
          archived        BOOLEAN NOT NULL DEFAULT false,
          visible         BOOLEAN NOT NULL DEFAULT true,
          created_at      TIMESTAMPTZ NOT NULL,
          source_event_id TEXT NOT NULL,
          CONSTRAINT notifications_source_recipient_key UNIQUE (source_event_id, recipient_id)
        );
        CREATE INDEX IF NOT EXISTS notifications_recipient_id_idx ON "${schema}".notifications (recipient_id, id DESC);
        CREATE TABLE IF NOT EXISTS "${schema}".known_users (
          id           TEXT PRIMARY KEY,
          email        TEXT,
          display_name TEXT,
          roles        TEXT[] NOT NULL DEFAULT '{}'
        );
        CREATE TABLE IF NOT EXISTS "${schema}".known_orders (
          order_id    TEXT PRIMARY KEY,
          customer_id TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS "${schema}".preferences (
          user_id  TEXT NOT NULL,
          category TEXT NOT NULL,
          channel  TEXT NOT NULL,
          enabled  BOOLEAN NOT NULL,
          PRIMARY KEY (user_id, category, channel)
        );
        CREATE TABLE IF NOT EXISTS "${schema}".deliveries (
          id              BIGSERIAL PRIMARY KEY,
          notification_id UUID NOT NULL REFERENCES "${schema}".notifications (id),
          channel         TEXT NOT NULL,
          status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
          attempts        INTEGER NOT NULL DEFAULT 0,
          next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
          last_error      TEXT,
          sent_at         TIMESTAMPTZ,
          CONSTRAINT deliveries_notification_channel_key UNIQUE (notification_id, channel)
        );
        CREATE INDEX IF NOT EXISTS deliveries_due_idx ON "${schema}".deliveries (next_attempt_at) WHERE status = 'pending';
        CREATE TABLE IF NOT EXISTS "${schema}".delivery_dead_letters (
          delivery_id BIGINT PRIMARY KEY REFERENCES "${schema}".deliveries (id),
          attempts    INTEGER NOT NULL,
          last_error  TEXT NOT NULL,
          dead_at     TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS "${schema}".stream_tickets (
          ticket_hash BYTEA PRIMARY KEY,
          user_id     TEXT NOT NULL,
          expires_at  TIMESTAMPTZ NOT NULL,
          used_at     TIMESTAMPTZ
        );`);
    }

    async down(runner: QueryRunner): Promise<void> {
      for (const table of [
        'stream_tickets',
        'delivery_dead_letters',
        'deliveries',
        'preferences',
        'known_orders',
        'known_users',
        'notifications',
      ]) {
        await runner.query(`DROP TABLE IF EXISTS "${schema}".${table}`);
      }
    }
  };
}
