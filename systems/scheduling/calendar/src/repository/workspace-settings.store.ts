import type { Reminder } from '@archipelago/util-calendar';
import type pg from 'pg';
import type { WorkspaceSettings, WorkspaceSettingsPort } from '../use-case/port/workspace-settings.port.js';

/** Calendar settings per workspace in Postgres (`workspace_settings`). */
export class PostgresWorkspaceSettings implements WorkspaceSettingsPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  async get(workspaceId: string): Promise<WorkspaceSettings> {
    const { rows } = await this.pool.query<{ default_reminders: Reminder[]; updated_at: Date }>(
      `SELECT default_reminders, updated_at FROM "${this.schema}".workspace_settings WHERE workspace_id = $1`,
      [workspaceId],
    );
    const row = rows[0];
    return {
      workspaceId,
      defaultReminders: row?.default_reminders ?? [],
      updatedAt: row ? row.updated_at.toISOString() : null,
    };
  }

  async setDefaultReminders(
    workspaceId: string,
    reminders: readonly Reminder[],
    updatedBy: string,
    at: string,
  ): Promise<WorkspaceSettings> {
    await this.pool.query(
      `INSERT INTO "${this.schema}".workspace_settings (workspace_id, default_reminders, updated_by, updated_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (workspace_id) DO UPDATE
         SET default_reminders = excluded.default_reminders, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [workspaceId, JSON.stringify(reminders), updatedBy, at],
    );
    return { workspaceId, defaultReminders: reminders, updatedAt: new Date(at).toISOString() };
  }
}
