import { inTransaction, PostgresEventStore, WrongExpectedVersionError } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { calendarItemDecider } from '../entity/calendar-item/calendar-item.decider.js';
import type { CalendarItemEvent } from '../entity/calendar-item/calendar-item.events.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  ConcurrencyConflictError,
  type LoadedCalendarItem,
  type CalendarItemRepositoryPort,
} from '../use-case/port/calendar-item.repository.port.js';
import { toIntegrationEvents } from './calendar-item.integration-events.js';

/** Stream id of an item: `calendar-item-<uuid>`. */
export const calendarItemStreamId = (itemId: string): string => `calendar-item-${itemId}`;

/**
 * CalendarItem aggregates in the Postgres event store. `save` commits, in ONE transaction, the
 * domain events and the integration events they imply (outbox).
 */
export class CalendarItemEventStoreRepository implements CalendarItemRepositoryPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {}

  async load(itemId: string): Promise<LoadedCalendarItem> {
    const events = await this.store.readStream(this.pool, calendarItemStreamId(itemId));
    const state = events.reduce(
      (s, e) => calendarItemDecider.evolve(s, { type: e.type, data: e.data } as CalendarItemEvent),
      calendarItemDecider.initialState(),
    );
    return { state, version: events.length };
  }

  async save(
    itemId: string,
    events: readonly CalendarItemEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        await this.store.append(
          client,
          calendarItemStreamId(itemId),
          events.map((e) => ({ type: e.type, data: e.data })),
          { expectedVersion, metadata: { ...context } },
        );
        await this.messaging.outbox.add(client, toIntegrationEvents(events, context.traceparent));
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ConcurrencyConflictError(itemId);
      throw error;
    }
  }
}
