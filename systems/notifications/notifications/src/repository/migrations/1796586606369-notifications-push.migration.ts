import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Web push: `push_subscriptions` (one per device endpoint, owned by a user) and per-subscription
 * deliveries: `deliveries.subscription_id` (push rows; no foreign key, so deleting a subscription
 * leaves its pending deliveries to end as `gone`), uniqueness per notification × channel for
 * e-mail and per notification × subscription for push, and the `gone` status.
 */
export function notificationsPushMigration(schema: string): new () => MigrationInterface {
  return class NotificationsPush1796586606369 implements MigrationInterface {
    name = 'NotificationsPush1796586606369';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".push_subscriptions (
          id         UUID PRIMARY KEY,
          user_id    TEXT NOT NULL,
          endpoint   TEXT NOT NULL,
          p256dh     TEXT NOT NULL,
          auth       TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          CONSTRAINT push_subscriptions_endpoint_key UNIQUE (endpoint)
        );
        CREATE INDEX IF NOT EXISTS push_subscriptions_user_id_idx ON "${schema}".push_subscriptions (user_id, created_at);
        ALTER TABLE "${schema}".deliveries ADD COLUMN IF NOT EXISTS subscription_id UUID;
        ALTER TABLE "${schema}".deliveries DROP CONSTRAINT IF EXISTS deliveries_notification_channel_key;
        CREATE UNIQUE INDEX IF NOT EXISTS deliveries_notification_channel_once
          ON "${schema}".deliveries (notification_id, channel) WHERE subscription_id IS NULL;
        CREATE UNIQUE INDEX IF NOT EXISTS deliveries_notification_subscription_once
          ON "${schema}".deliveries (notification_id, subscription_id) WHERE subscription_id IS NOT NULL;
        ALTER TABLE "${schema}".deliveries DROP CONSTRAINT IF EXISTS deliveries_status_check;
        ALTER TABLE "${schema}".deliveries ADD CONSTRAINT deliveries_status_check
          CHECK (status IN ('pending', 'sent', 'dead', 'gone'));`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        DELETE FROM "${schema}".delivery_dead_letters WHERE delivery_id IN
          (SELECT id FROM "${schema}".deliveries WHERE subscription_id IS NOT NULL);
        DELETE FROM "${schema}".deliveries WHERE subscription_id IS NOT NULL OR status = 'gone';
        ALTER TABLE "${schema}".deliveries DROP CONSTRAINT IF EXISTS deliveries_status_check;
        ALTER TABLE "${schema}".deliveries ADD CONSTRAINT deliveries_status_check
          CHECK (status IN ('pending', 'sent', 'dead'));
        DROP INDEX IF EXISTS "${schema}".deliveries_notification_subscription_once;
        DROP INDEX IF EXISTS "${schema}".deliveries_notification_channel_once;
        ALTER TABLE "${schema}".deliveries ADD CONSTRAINT deliveries_notification_channel_key UNIQUE (notification_id, channel);
        ALTER TABLE "${schema}".deliveries DROP COLUMN IF EXISTS subscription_id;
        DROP TABLE IF EXISTS "${schema}".push_subscriptions;`);
    }
  };
}
