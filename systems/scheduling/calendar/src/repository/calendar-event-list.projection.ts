import {
  type Projection,
  ProjectionRunner,
  type RecordedEvent,
  type SqlClient,
} from '@archipelago/platform-event-store';
import type { DataSource, Repository } from 'typeorm';
import type { CalendarEventEvent } from '../entity/event/calendar-event.events.js';
import type { EventReadModelPort, EventRecord } from '../use-case/port/event.read-model.port.js';
import type { EventLookupPort } from '../use-case/port/reminder-store.port.js';
import { CalendarEventRecord } from './calendar-event.record.js';

/**
 * The `calendar_event_list` projection: one row per live event with its fields (overrides included),
 * written in the same transaction as the projection checkpoint (the runner's). Deleted events are
 * removed.
 */
export class CalendarEventListProjection implements Projection {
  readonly name = 'calendar_event_list';

  constructor(private readonly schema: string) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as CalendarEventEvent;
    const table = `"${this.schema}".calendar_event_list`;
    const v = recorded.streamVersion;
    switch (event.type) {
      case 'EventCreated': {
        const { eventId, createdBy: _c, at: _a, ...fields } = event.data;
        await client.query(
          `INSERT INTO ${table} (id, seq, workspace_id, fields, version) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO NOTHING`,
          [eventId, recorded.globalPosition, fields.workspaceId, JSON.stringify(fields), v],
        );
        return;
      }
      case 'EventUpdated':
        await client.query(
          `UPDATE ${table} SET fields = fields || $2::jsonb, version = $3 WHERE id = $1 AND version < $3`,
          [event.data.eventId, JSON.stringify(event.data.changes), v],
        );
        return;
      case 'OccurrenceCancelled':
      case 'OccurrenceMoved': {
        const { eventId, at: _a, ...override } = event.data;
        const entry = event.type === 'OccurrenceCancelled' ? { ...override, cancelled: true } : override;
        await client.query(
          `UPDATE ${table} SET fields = jsonb_set(fields, '{overrides}',
             (SELECT coalesce(jsonb_agg(o), '[]'::jsonb) FROM jsonb_array_elements(fields->'overrides') o
               WHERE o->>'recurrenceId' <> $2) || jsonb_build_array($3::jsonb)),
             version = $4
           WHERE id = $1 AND version < $4`,
          [eventId, override.recurrenceId, JSON.stringify(entry), v],
        );
        return;
      }
      case 'EventDeleted':
        await client.query(`DELETE FROM ${table} WHERE id = $1`, [event.data.eventId]);
        return;
    }
  }

  async reset(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".calendar_event_list`); // readers keep the old rows until the rebuild commits
  }
}

/** Reads of the event list (TypeORM) plus the runner that keeps it current. */
export class CalendarEventListReadModel implements EventReadModelPort, EventLookupPort {
  private readonly records: Repository<CalendarEventRecord>;

  constructor(
    dataSource: DataSource,
    private readonly runner: ProjectionRunner,
  ) {
    this.records = dataSource.getRepository(CalendarEventRecord);
  }

  /** Every event of the workspace (a superset of those with occurrences in the window, as the port allows). */
  async candidates(workspaceId: string): Promise<EventRecord[]> {
    const rows = await this.records.find({ where: { workspaceId }, order: { seq: 'ASC' } });
    return rows.map((r) => ({ eventId: r.id, version: r.version, fields: r.fields }));
  }

  /** One event as projected, or null when absent or deleted. */
  async find(eventId: string): Promise<EventRecord | null> {
    const r = await this.records.findOneBy({ id: eventId });
    return r ? { eventId: r.id, version: r.version, fields: r.fields } : null;
  }

  /** The projected version of an event (0 when not there), for read-your-writes. */
  async versionOf(eventId: string): Promise<number> {
    return (await this.records.findOneBy({ id: eventId }))?.version ?? 0;
  }

  refresh(): void {
    this.runner.poke();
  }
}
