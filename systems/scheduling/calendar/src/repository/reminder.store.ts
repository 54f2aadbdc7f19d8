import { inTransaction } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import { CALENDAR_EVENTS, type ReminderDueV1 } from '@archipelago/scheduling-contracts';
import { latenessHistogram } from '@archipelago/platform-service';
import type pg from 'pg';
import type { PlannedReminder, ReminderChanges } from '../entity/reminder/reminder-plan.js';
import type { ReminderEnginePort } from '../use-case/port/reminder-engine.port.js';
import type { ReminderStorePort } from '../use-case/port/reminder-store.port.js';

interface ReminderRow {
  key: string;
  event_id: string;
  workspace_id: string;
  recurrence_id: string | null;
  occurrence_start: string | null;
  due_at: Date;
  recipients: string[];
}

const toPlanned = (r: ReminderRow): PlannedReminder => ({
  key: r.key,
  eventId: r.event_id,
  workspaceId: r.workspace_id,
  recurrenceId: r.recurrence_id,
  occurrenceStart: r.occurrence_start,
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
 * The reminder engine's tables on Postgres (`reminders`, `reminder_plans`): the store the re-planning
 * use case reconciles, and the firing step (FOR UPDATE SKIP LOCKED claim + outbox + fired mark in one
 * transaction).
 */
export class PostgresReminderStore implements ReminderStorePort, ReminderEnginePort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly messaging: Messaging,
    private readonly schema: string,
  ) {}

  async pending(eventId: string, from: string, to: string): Promise<PlannedReminder[]> {
    const { rows } = await this.pool.query<ReminderRow>(
      `SELECT * FROM "${this.schema}".reminders
        WHERE event_id = $1 AND fired_at IS NULL AND due_at >= $2 AND due_at < $3 ORDER BY due_at`,
      [eventId, from, to],
    );
    return rows.map(toPlanned);
  }

  async firedKeys(eventId: string): Promise<ReadonlySet<string>> {
    const { rows } = await this.pool.query<{ key: string }>(
      `SELECT key FROM "${this.schema}".reminders WHERE event_id = $1 AND fired_at IS NOT NULL`,
      [eventId],
    );
    return new Set(rows.map((r) => r.key));
  }

  async apply(changes: ReminderChanges): Promise<void> {
    const table = `"${this.schema}".reminders`;
    await inTransaction(this.pool, async (client) => {
      for (const r of changes.add) {
        await client.query(
          `INSERT INTO ${table} (key, event_id, workspace_id, recurrence_id, occurrence_start, due_at, recipients)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING`,
          [r.key, r.eventId, r.workspaceId, r.recurrenceId, r.occurrenceStart, r.dueAt, r.recipients],
        );
      }
      for (const r of changes.move) {
        await client.query(`UPDATE ${table} SET due_at = $2, recipients = $3 WHERE key = $1 AND fired_at IS NULL`, [
          r.key,
          r.dueAt,
          r.recipients,
        ]);
      }
      if (changes.cancel.length > 0)
        await client.query(`DELETE FROM ${table} WHERE key = ANY($1) AND fired_at IS NULL`, [changes.cancel]);
    });
  }

  async eventsToReplan(staleBefore: string, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT e.id FROM "${this.schema}".calendar_event_list e
         LEFT JOIN "${this.schema}".reminder_plans p ON p.event_id = e.id
        WHERE p.event_id IS NULL OR p.version < e.version OR p.planned_at < $1
       UNION
       SELECT p.event_id FROM "${this.schema}".reminder_plans p
         LEFT JOIN "${this.schema}".calendar_event_list e ON e.id = p.event_id
        WHERE e.id IS NULL
       LIMIT $2`,
      [staleBefore, limit],
    );
    return rows.map((r) => r.id);
  }

  async markPlanned(eventId: string, at: string): Promise<void> {
    const { rows } = await this.pool.query<{ version: number }>(
      `SELECT version FROM "${this.schema}".calendar_event_list WHERE id = $1`,
      [eventId],
    );
    if (rows.length === 0) {
      await this.pool.query(`DELETE FROM "${this.schema}".reminder_plans WHERE event_id = $1`, [eventId]);
      return;
    }
    await this.pool.query(
      `INSERT INTO "${this.schema}".reminder_plans (event_id, version, planned_at) VALUES ($1, $2, $3)
       ON CONFLICT (event_id) DO UPDATE SET version = EXCLUDED.version, planned_at = EXCLUDED.planned_at`,
      [eventId, rows[0]!.version, at],
    );
  }

  async fireDue(now: string, limit: number): Promise<number> {
    const fired = await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<ReminderRow>(
        `SELECT * FROM "${this.schema}".reminders WHERE fired_at IS NULL AND due_at <= $1
          ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      );
      if (rows.length === 0) return [];
      const { topic, type } = CALENDAR_EVENTS.ReminderDueV1;
      await this.messaging.outbox.add(
        client,
        rows.map((row) => {
          const r = toPlanned(row);
          const payload: ReminderDueV1 = { ...r, recipients: [...r.recipients], occurredAt: now };
          return { topic, type, key: r.eventId, payload };
        }),
      );
      await client.query(`UPDATE "${this.schema}".reminders SET fired_at = $2 WHERE key = ANY($1)`, [
        rows.map((r) => r.key),
        now,
      ]);
      return rows.map((r) => r.due_at);
    });
    fireLag.observe(now, fired);
    return fired.length;
  }
}
