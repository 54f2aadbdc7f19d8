import type { Projection, ProjectionRunner, RecordedEvent, SqlClient } from '@archipelago/platform-event-store';
import type pg from 'pg';
import type { WorkspaceEvent } from '../entity/workspace/workspace.events.js';
import type { WorkspaceRole } from '../entity/workspace/workspace.model.js';
import type {
  WorkspaceReadModelPort,
  WorkspaceSummary,
  WorkspaceView,
} from '../use-case/port/workspace.read-model.port.js';

/**
 * The `workspace_list` / `workspace_members` projection: one row per live shared workspace and one per
 * member; a deleted workspace's rows go. `version` is the stream version of the last event applied.
 */
export class WorkspaceListProjection implements Projection {
  readonly name = 'workspace_list';

  constructor(private readonly schema: string) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    if (!recorded.type.startsWith('Workspace')) return;
    const event = { type: recorded.type, data: recorded.data } as WorkspaceEvent;
    const list = `"${this.schema}".workspace_list`;
    const members = `"${this.schema}".workspace_members`;
    const { workspaceId } = event.data;
    const version = recorded.streamVersion;
    switch (event.type) {
      case 'WorkspaceCreated':
        await client.query(
          `INSERT INTO ${list} (id, name, version, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
          [workspaceId, event.data.name, version, event.data.at],
        );
        return;
      case 'WorkspaceDeleted':
        await client.query(`DELETE FROM ${list} WHERE id = $1`, [workspaceId]);
        return;
      case 'WorkspaceRenamed':
        await client.query(`UPDATE ${list} SET name = $2 WHERE id = $1`, [workspaceId, event.data.name]);
        break;
      case 'WorkspaceMemberAdded':
      case 'WorkspaceMemberRoleChanged':
        await client.query(
          `INSERT INTO ${members} (workspace_id, user_id, role) VALUES ($1, $2, $3)
           ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role`,
          [workspaceId, event.data.userId, event.data.role],
        );
        break;
      case 'WorkspaceMemberRemoved':
        await client.query(`DELETE FROM ${members} WHERE workspace_id = $1 AND user_id = $2`, [
          workspaceId,
          event.data.userId,
        ]);
        break;
    }
    await client.query(`UPDATE ${list} SET version = greatest(version, $2) WHERE id = $1`, [workspaceId, version]);
  }

  async reset(client: SqlClient): Promise<void> {
    // DELETE, not TRUNCATE: readers keep the old rows until the rebuild commits
    await client.query(`DELETE FROM "${this.schema}".workspace_members`);
    await client.query(`DELETE FROM "${this.schema}".workspace_list`);
  }
}

/** Reads of the workspace projections, plus the runner that keeps them current. */
export class WorkspaceListReadModel implements WorkspaceReadModelPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly runner: ProjectionRunner,
  ) {}

  async listFor(userId: string): Promise<WorkspaceSummary[]> {
    const { rows } = await this.pool.query<{ id: string; name: string; role: WorkspaceRole; version: number }>(
      `SELECT w.id, w.name, m.role, w.version FROM "${this.schema}".workspace_list w
         JOIN "${this.schema}".workspace_members m ON m.workspace_id = w.id
        WHERE m.user_id = $1 ORDER BY w.name, w.id`,
      [userId],
    );
    return rows.map((r) => ({ ...r, personal: false }));
  }

  async get(workspaceId: string): Promise<WorkspaceView | null> {
    const { rows } = await this.pool.query<{ id: string; name: string; version: number }>(
      `SELECT id, name, version FROM "${this.schema}".workspace_list WHERE id = $1`,
      [workspaceId],
    );
    const row = rows[0];
    if (!row) return null;
    const { rows: members } = await this.pool.query<{ userId: string; role: WorkspaceRole }>(
      `SELECT user_id AS "userId", role FROM "${this.schema}".workspace_members WHERE workspace_id = $1 ORDER BY user_id`,
      [workspaceId],
    );
    return { ...row, personal: false, members };
  }

  refresh(): void {
    this.runner.poke();
  }
}
