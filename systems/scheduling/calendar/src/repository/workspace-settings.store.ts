import type { Reminder } from '@archipelago/util-calendar';
import type pg from 'pg';
import type { WorkspaceSettings, WorkspaceSettingsPort } from '../use-case/port/workspace-settings.port.js';

/** Calendar settings per (workspace, member) in Postgres (`member_settings`). */
export class PostgresWorkspaceSettings implements WorkspaceSettingsPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
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
    await this.pool.query(
      `INSERT INTO "${this.schema}".member_settings (workspace_id, user_id, default_reminders, updated_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id, user_id) DO UPDATE
         SET default_reminders = excluded.default_reminders, updated_at = excluded.updated_at`,
      [workspaceId, userId, JSON.stringify(reminders), at],
    );
    return { workspaceId, userId, defaultReminders: reminders, updatedAt: new Date(at).toISOString() };
  }
}
