import { Inbox, type Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { lockMemberSettings, publishMemberReminderDefaults } from './workspace-settings.store.js';
import type {
  InboxEntry,
  MembershipChange,
  WorkspaceMembershipPort,
  WorkspaceRole,
} from '../use-case/port/workspace-membership.port.js';

/**
 * The membership read model in Postgres (`workspace_members`), deduplicated through the inbox; a
 * removal also deletes the member's calendar settings (`member_settings`) in that workspace and, when
 * there were some, publishes their clearing (MemberReminderDefaultsSetV1 with no reminders, a new
 * version) in the same transaction.
 */
export class PostgresWorkspaceMembership implements WorkspaceMembershipPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly messaging: Messaging,
  ) {}

  async roleOf(workspaceId: string, userId: string): Promise<WorkspaceRole | null> {
    const { rows } = await this.pool.query<{ role: WorkspaceRole }>(
      `SELECT role FROM "${this.schema}".workspace_members WHERE workspace_id = $1 AND user_id = $2`,
      [workspaceId, userId],
    );
    return rows[0]?.role ?? null;
  }

  async owners(workspaceId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ user_id: string }>(
      `SELECT user_id FROM "${this.schema}".workspace_members WHERE workspace_id = $1 AND role = 'owner' ORDER BY user_id`,
      [workspaceId],
    );
    return rows.map((r) => r.user_id);
  }

  apply(change: MembershipChange, inbox: InboxEntry): Promise<boolean> {
    const message = { id: inbox.messageId, topic: inbox.topic };
    return new Inbox(this.pool, this.schema, inbox.consumerGroup).handleOnce(message, async (client) => {
      if (change.role === null) {
        await client.query(`DELETE FROM "${this.schema}".workspace_members WHERE workspace_id = $1 AND user_id = $2`, [
          change.workspaceId,
          change.userId,
        ]);
        // A member who leaves (or whose workspace is deleted) takes their calendar settings with them,
        // and tasks' copy of their default reminders follows.
        await lockMemberSettings(client, change.workspaceId, change.userId);
        const { rows } = await client.query<{ version: string }>(
          `WITH gone AS (DELETE FROM "${this.schema}".member_settings WHERE workspace_id = $1 AND user_id = $2 RETURNING 1)
           SELECT nextval('"${this.schema}".member_settings_version') AS version FROM gone`,
          [change.workspaceId, change.userId],
        );
        if (rows.length > 0)
          await publishMemberReminderDefaults(this.messaging, client, {
            ...change,
            defaultReminders: [],
            version: Number(rows[0]!.version),
            at: new Date().toISOString(),
          });
      } else {
        await client.query(
          `INSERT INTO "${this.schema}".workspace_members (workspace_id, user_id, role) VALUES ($1, $2, $3)
           ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role`,
          [change.workspaceId, change.userId, change.role],
        );
      }
    });
  }
}
