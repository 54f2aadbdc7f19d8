import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EventFields } from '../entity/event/calendar-event.events.js';

/**
 * Row of the `calendar_event_list` read model (TypeORM record; the aggregate lives in the event
 * store): the event's fields as JSON, by workspace, for expansion on the query side.
 */
@Entity({ name: 'calendar_event_list' })
export class CalendarEventRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('bigint', { unique: true })
  seq!: string;

  @Column('text', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('jsonb')
  fields!: EventFields;

  @Column('integer')
  version!: number;
}
