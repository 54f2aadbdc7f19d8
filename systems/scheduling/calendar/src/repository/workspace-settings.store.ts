import { inTransaction, type SqlClient } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import { CALENDAR_EVENTS, type MemberReminderDefaultsSetV1 } from '@archipelago/scheduling-contracts';
import type { Reminder } from '@archipelago/util-calendar';
import type pg from 'pg';
import type { WorkspaceSettings, WorkspaceSettingsPort } from '../use-case/port/workspace-settings.port.js';

/**
 * Puts MemberReminderDefaultsSetV1 in the outbox with `client` (the transaction of the change), key =
 * workspace id. `version` comes from the sequence `member_settings_version`; `at` is an RFC 3339 instant.
 */
export async function publishMemberReminderDefaults(
  messaging: Messaging,
  client: SqlClient,
  change: { workspaceId: string; userId: string; defaultReminders: readonly Reminder[]; version: number; at: string },
): Promise<void> {
  const { topic, type } = CALENDAR_EVENTS.MemberReminderDefaultsSetV1;
  const at = new Date(change.at).toISOString();
  const payload: MemberReminderDefaultsSetV1 = {
    workspaceId: change.workspaceId,
    userId: change.userId,
    defaultReminders: change.defaultReminders.map((r) => ('offset' in r ? { offset: r.offset } : { at: r.at })),
    version: change.version,
    updatedAt: at,
    occurredAt: at,
  };
  await messaging.outbox.add(client, [{ topic, type, key: change.workspaceId, payload }]);
}

/**
 * Serialises the changes of one member's settings until the transaction ends, so the version each one
 * draws afterwards (`nextval`) follows the commit order: without it, two concurrent changes could commit
 * in the opposite order of their versions, and a consumer keeping the highest version would keep the
 * list calendar did not.
 */
export async function lockMemberSettings(client: SqlClient, workspaceId: string, userId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('member_settings|' || $1 || '|' || $2, 0))`, [
    workspaceId,
    userId,
  ]);
}

/**
 * Calendar settings per (workspace, member) in Postgres (`member_settings`). Every change takes a new
 * `version` (sequence `member_settings_version`) and, in the same transaction, puts
 * MemberReminderDefaultsSetV1 in the outbox (tasks keeps a copy).
 */
export class PostgresWorkspaceSettings implements WorkspaceSettingsPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly messaging: Messaging,
  ) {}

  async get(workspaceId: string, userId: string): Promise<WorkspaceSettings> {
    const { rows } = await this.pool.query<{ default_reminders: Reminder[]; updated_at: Date }>(
      `SELECT default_reminders, updated_at FROM "${this.schema}".member_settings WHERE workspace_id = $1 AND user_id = $2`,
      [workspaceId, userId],
    );
    const row = rows[0];
    return {
      workspaceId,
      userId,
      defaultReminders: row?.default_reminders ?? [],
      updatedAt: row ? row.updated_at.toISOString() : null,
    };
  }

  async setDefaultReminders(
    workspaceId: string,
    userId: string,
    reminders: readonly Reminder[],
    at: string,
  ): Promise<WorkspaceSettings> {
    await inTransaction(this.pool, async (client) => {
      await lockMemberSettings(client, workspaceId, userId);
      const { rows } = await client.query<{ version: string }>(
        `INSERT INTO "${this.schema}".member_settings (workspace_id, user_id, default_reminders, updated_at, version)
         VALUES ($1, $2, $3, $4, nextval('"${this.schema}".member_settings_version'))
         ON CONFLICT (workspace_id, user_id) DO UPDATE
           SET default_reminders = excluded.default_reminders, updated_at = excluded.updated_at,
               version = excluded.version
         RETURNING version`,
        [workspaceId, userId, JSON.stringify(reminders), at],
      );
      const version = Number(rows[0]!.version);
      await publishMemberReminderDefaults(this.messaging, client, {
        workspaceId,
        userId,
        defaultReminders: reminders,
        version,
        at,
      });
    });
    return { workspaceId, userId, defaultReminders: reminders, updatedAt: new Date(at).toISOString() };
  }
}
