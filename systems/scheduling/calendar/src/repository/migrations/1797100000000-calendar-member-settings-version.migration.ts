import { CALENDAR_EVENTS } from '@archipelago/scheduling-contracts';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An RFC 3339 UTC instant of a timestamptz expression, as the contracts' `z.iso.datetime()` reads it. */
const iso = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Versions of the per-member default reminders, so another service can keep a copy in order
 * (MemberReminderDefaultsSetV1, consumed by scheduling/tasks): one sequence `member_settings_version`
 * for every change of any member's list — never reused, also when a member leaves (row deleted) and
 * comes back — and a `version` column. Every list that exists on deploy gets a version and is put in the
 * outbox once, so tasks learns the lists set before this change.
 */
export function calendarMemberSettingsVersionMigration(schema: string): new () => MigrationInterface {
  return class CalendarMemberSettingsVersion1797100000000 implements MigrationInterface {
    name = 'CalendarMemberSettingsVersion1797100000000';

    async up(runner: QueryRunner): Promise<void> {
      const { topic, type } = CALENDAR_EVENTS.MemberReminderDefaultsSetV1;
      await runner.query(`CREATE SEQUENCE IF NOT EXISTS "${schema}".member_settings_version AS BIGINT`);
      await runner.query(`
        ALTER TABLE "${schema}".member_settings
          ADD COLUMN IF NOT EXISTS version BIGINT NOT NULL DEFAULT nextval('"${schema}".member_settings_version')`);
      await runner.query(
        `INSERT INTO "${schema}".outbox (message_id, topic, message_key, message_type, payload)
         SELECT gen_random_uuid(), $1, s.workspace_id, $2, jsonb_build_object(
                  'workspaceId', s.workspace_id, 'userId', s.user_id, 'defaultReminders', s.default_reminders,
                  'version', s.version, 'updatedAt', ${iso('s.updated_at')}, 'occurredAt', ${iso('now()')})
           FROM "${schema}".member_settings s ORDER BY s.version`,
        [topic, type],
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}".member_settings DROP COLUMN IF EXISTS version`);
      await runner.query(`DROP SEQUENCE IF EXISTS "${schema}".member_settings_version`);
    }
  };
}
