import { inTransaction, PostgresEventStore, WrongExpectedVersionError } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { calendarEventDecider, type CalendarEventState } from '../entity/event/calendar-event.decider.js';
import type { CalendarEventEvent } from '../entity/event/calendar-event.events.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  type CalendarEventRepositoryPort,
  ConcurrencyConflictError,
  type LoadedCalendarEvent,
} from '../use-case/port/calendar-event.repository.port.js';
import { toIntegrationEvents } from './calendar-event.integration-events.js';

/** Stream id of a calendar event: `calendar-event-<uuid>`. */
export const calendarEventStreamId = (eventId: string): string => `calendar-event-${eventId}`;

/**
 * Calendar events in the Postgres event store. `save` commits, in ONE transaction, the domain events
 * and the integration events they imply (outbox).
 */
export class CalendarEventEventStoreRepository implements CalendarEventRepositoryPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {}

  async load(eventId: string): Promise<LoadedCalendarEvent> {
    const events = await this.store.readStream(this.pool, calendarEventStreamId(eventId));
    const state = events.reduce(
      (s, e) => calendarEventDecider.evolve(s, { type: e.type, data: e.data } as CalendarEventEvent),
      calendarEventDecider.initialState(),
    );
    return { state, version: events.length };
  }

  async save(
    eventId: string,
    events: readonly CalendarEventEvent[],
    expectedVersion: number,
    context: CommandContext,
    before?: CalendarEventState,
  ): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        await this.store.append(
          client,
          calendarEventStreamId(eventId),
          events.map((e) => ({ type: e.type, data: e.data })),
          { expectedVersion, metadata: { ...context } },
        );
        await this.messaging.outbox.add(client, toIntegrationEvents(events, context.traceparent, before));
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ConcurrencyConflictError(eventId);
      throw error;
    }
  }
}
