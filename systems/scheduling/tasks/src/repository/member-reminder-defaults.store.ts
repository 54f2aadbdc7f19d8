import { Inbox } from '@archipelago/platform-messaging';
import type { SqlClient } from '@archipelago/platform-event-store';
import type { Reminder } from '@archipelago/util-calendar';
import type pg from 'pg';
import type {
  InboxEntry,
  MemberReminderDefaults,
  MemberReminderDefaultsPort,
} from '../use-case/port/member-reminder-defaults.port.js';

/**
 * Tasks' read model of members' default reminders in Postgres (`member_reminder_defaults`), kept from
 * calendar's MemberReminderDefaultsSetV1 through the inbox; a row is replaced only by a higher version.
 */
export class PostgresMemberReminderDefaults implements MemberReminderDefaultsPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  async defaultsOf(workspaceId: string, userId: string): Promise<readonly Reminder[]> {
    const { rows } = await this.pool.query<{ default_reminders: Reminder[] }>(
      `SELECT default_reminders FROM "${this.schema}".member_reminder_defaults WHERE workspace_id = $1 AND user_id = $2`,
      [workspaceId, userId],
    );
    return rows[0]?.default_reminders ?? [];
  }

  async record(defaults: MemberReminderDefaults, inbox: InboxEntry): Promise<boolean> {
    let changed = false;
    const message = { id: inbox.messageId, topic: inbox.topic };
    const fresh = await new Inbox(this.pool, this.schema, inbox.consumerGroup).handleOnce(message, async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO "${this.schema}".member_reminder_defaults AS d
           (workspace_id, user_id, default_reminders, version, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workspace_id, user_id) DO UPDATE
           SET default_reminders = excluded.default_reminders, version = excluded.version,
               updated_at = excluded.updated_at
         WHERE d.version < excluded.version`,
        [
          defaults.workspaceId,
          defaults.userId,
          JSON.stringify(defaults.defaultReminders),
          defaults.version,
          defaults.updatedAt,
        ],
      );
      changed = (rowCount ?? 0) > 0;
    });
    return fresh && changed;
  }
}

/**
 * Clears the default reminders tasks keeps for members who left a workspace (or whose workspace was
 * deleted), with `client` — the transaction that records the removal. The version stays, so calendar's
 * own clearing (or a later setting after a return) still applies when it arrives.
 */
export async function clearMemberReminderDefaults(
  client: SqlClient,
  schema: string,
  workspaceId: string,
  userIds: readonly string[],
): Promise<void> {
  if (userIds.length === 0) return;
  await client.query(
    `UPDATE "${schema}".member_reminder_defaults SET default_reminders = '[]'
      WHERE workspace_id = $1 AND user_id = ANY($2)`,
    [workspaceId, [...userIds]],
  );
}
