import { inTransaction } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import { TASKS_EVENTS, type TaskDueSoonV1 } from '@archipelago/scheduling-contracts';
import { latenessHistogram } from '@archipelago/platform-service';
import type pg from 'pg';
import type { PlannedTaskReminder, TaskReminderChanges } from '../entity/task/task-reminder-plan.js';
import type { Due } from '../entity/task/task.model.js';
import type { TaskReminderStorePort } from '../use-case/port/task-reminder.port.js';

interface Row {
  key: string;
  task_id: string;
  workspace_id: string;
  title: string;
  due: Due | null;
  due_at: Date;
  recipients: string[];
}

const toPlanned = (r: Row): PlannedTaskReminder => ({
  key: r.key,
  taskId: r.task_id,
  workspaceId: r.workspace_id,
  title: r.title,
  due: r.due,
  dueAt: r.due_at.toISOString().replace('.000Z', 'Z'),
  recipients: r.recipients,
});

/**
 * `scheduling_reminder_fire_lag_seconds` (OpenTelemetry `scheduling.reminder.fire_lag`, unit s): how long
 * after its due time each reminder was fired (claimed and put in the outbox). Issue 16 §5 wants ≤ 2 s.
 */
const fireLag = latenessHistogram({
  name: 'scheduling_reminder_fire_lag_seconds',
  help: "Seconds from a reminder's due time to its firing (claim + outbox commit).",
});

/**
 * The tasks reminder engine on Postgres (`task_reminders`, `task_reminder_plans`): the store the
 * re-planning reconciles, and the firing step (FOR UPDATE SKIP LOCKED claim + outbox + fired mark in
 * one transaction).
 */
export class PostgresTaskReminderStore implements TaskReminderStorePort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly messaging: Messaging,
    private readonly schema: string,
  ) {}

  private get table(): string {
    return `"${this.schema}".task_reminders`;
  }

  async tasksToReplan(limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT t.id FROM "${this.schema}".task_list t
         LEFT JOIN "${this.schema}".task_reminder_plans p ON p.task_id = t.id
        WHERE (p.task_id IS NULL AND jsonb_array_length(coalesce(t.fields->'reminders', '[]'::jsonb)) > 0)
           OR p.version < t.version
       UNION
       SELECT p.task_id FROM "${this.schema}".task_reminder_plans p
         LEFT JOIN "${this.schema}".task_list t ON t.id = p.task_id
        WHERE t.id IS NULL
       LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async pending(taskId: string, from: string): Promise<PlannedTaskReminder[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM ${this.table} WHERE task_id = $1 AND fired_at IS NULL AND due_at >= $2 ORDER BY due_at`,
      [taskId, from],
    );
    return rows.map(toPlanned);
  }

  async firedKeys(taskId: string): Promise<ReadonlySet<string>> {
    const { rows } = await this.pool.query<{ key: string }>(
      `SELECT key FROM ${this.table} WHERE task_id = $1 AND fired_at IS NOT NULL`,
      [taskId],
    );
    return new Set(rows.map((r) => r.key));
  }

  async apply(changes: TaskReminderChanges): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      for (const r of changes.add)
        await client.query(
          `INSERT INTO ${this.table} (key, task_id, workspace_id, title, due, due_at, recipients)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING`,
          [r.key, r.taskId, r.workspaceId, r.title, JSON.stringify(r.due), r.dueAt, r.recipients],
        );
      for (const r of changes.update)
        await client.query(
          `UPDATE ${this.table} SET due_at = $2, title = $3, recipients = $4 WHERE key = $1 AND fired_at IS NULL`,
          [r.key, r.dueAt, r.title, r.recipients],
        );
      if (changes.cancel.length > 0)
        await client.query(`DELETE FROM ${this.table} WHERE key = ANY($1) AND fired_at IS NULL`, [changes.cancel]);
    });
  }

  async markPlanned(taskId: string): Promise<void> {
    const { rows } = await this.pool.query<{ version: number }>(
      `SELECT version FROM "${this.schema}".task_list WHERE id = $1`,
      [taskId],
    );
    if (rows.length === 0) {
      await this.pool.query(`DELETE FROM "${this.schema}".task_reminder_plans WHERE task_id = $1`, [taskId]);
      return;
    }
    await this.pool.query(
      `INSERT INTO "${this.schema}".task_reminder_plans (task_id, version) VALUES ($1, $2)
       ON CONFLICT (task_id) DO UPDATE SET version = EXCLUDED.version`,
      [taskId, rows[0]!.version],
    );
  }

  async fireDue(now: string, limit: number): Promise<number> {
    const fired = await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<Row>(
        `SELECT * FROM ${this.table} WHERE fired_at IS NULL AND due_at <= $1
          ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      );
      if (rows.length === 0) return [];
      const { topic, type } = TASKS_EVENTS.TaskDueSoonV1;
      await this.messaging.outbox.add(
        client,
        rows.map((row) => {
          const r = toPlanned(row);
          const payload: TaskDueSoonV1 = { ...r, recipients: [...r.recipients], occurredAt: now };
          return { topic, type, key: r.taskId, payload };
        }),
      );
      await client.query(`UPDATE ${this.table} SET fired_at = $2 WHERE key = ANY($1)`, [rows.map((r) => r.key), now]);
      return rows.map((r) => r.due_at);
    });
    fireLag.observe(now, fired);
    return fired.length;
  }
}
