import type { SqlClient } from '@archipelago/platform-event-store';
import type { TaskEvent } from '../entity/task/task.events.js';

/** What a batch of one task's events changes in its `task_links` row (absent keys: unchanged). */
export interface TaskLinkChange {
  /** The task was created by these events (a row to insert). */
  readonly created: boolean;
  readonly parentId?: string | null;
  /** `todo`, `in_progress`, `done`, `cancelled` or `deleted`. */
  readonly status?: string;
}

/**
 * Folds one task's new events into the change of its `task_links` row: TaskCreated sets the parent and
 * `todo`, TaskUpdated the `parentId` / `status` it changed, TaskCompleted `done`, TaskDeleted `deleted`.
 * Returns null when the events touch neither.
 */
export function taskLinkChange(events: readonly TaskEvent[]): TaskLinkChange | null {
  let change: { created: boolean; parentId?: string | null; status?: string } | null = null;
  for (const event of events) {
    change ??= { created: false };
    switch (event.type) {
      case 'TaskCreated':
        Object.assign(change, { created: true, parentId: event.data.parentId, status: 'todo' });
        break;
      case 'TaskUpdated':
        if (event.data.changes.parentId !== undefined) change.parentId = event.data.changes.parentId;
        if (event.data.changes.status !== undefined) change.status = event.data.changes.status;
        break;
      case 'TaskCompleted':
        change.status = 'done';
        break;
      case 'TaskDeleted':
        change.status = 'deleted';
        break;
      default:
        break;
    }
  }
  return change && (change.created || change.parentId !== undefined || change.status !== undefined) ? change : null;
}

/**
 * `task_links` (write side): each task's parent and status, kept in the transaction that appends the
 * task's events, so "which subtasks are open" is answered from committed writes, never from the
 * asynchronous `task_list` projection (a subtask created or completed a moment ago counts at once).
 */
export class TaskLinkStore {
  constructor(private readonly schema: string) {}

  private get table(): string {
    return `"${this.schema}".task_links`;
  }

  /** Applies the row change `events` imply, on `client` (inside the append's transaction). */
  async write(client: SqlClient, taskId: string, events: readonly TaskEvent[]): Promise<void> {
    const change = taskLinkChange(events);
    if (!change) return;
    if (change.created) {
      await client.query(
        `INSERT INTO ${this.table} (task_id, parent_id, status) VALUES ($1, $2, $3)
         ON CONFLICT (task_id) DO UPDATE SET parent_id = EXCLUDED.parent_id, status = EXCLUDED.status`,
        [taskId, change.parentId ?? null, change.status ?? 'todo'],
      );
      return;
    }
    await client.query(
      `UPDATE ${this.table}
          SET parent_id = CASE WHEN $2 THEN $3::uuid ELSE parent_id END, status = coalesce($4, status)
        WHERE task_id = $1`,
      [taskId, change.parentId !== undefined, change.parentId ?? null, change.status ?? null],
    );
  }

  /** Ids of the subtasks of `taskId` that are `todo` or `in_progress`, in id order. */
  async openSubtaskIds(client: SqlClient, taskId: string): Promise<string[]> {
    const { rows } = await client.query<{ task_id: string }>(
      `SELECT task_id FROM ${this.table} WHERE parent_id = $1 AND status IN ('todo', 'in_progress') ORDER BY task_id`,
      [taskId],
    );
    return rows.map((r) => r.task_id);
  }
}
