import { inTransaction, PostgresEventStore, WrongExpectedVersionError } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { notificationsItemDecider } from '../entity/notifications-item/notifications-item.decider.js';
import type { NotificationsItemEvent } from '../entity/notifications-item/notifications-item.events.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  ConcurrencyConflictError,
  type LoadedNotificationsItem,
  type NotificationsItemRepositoryPort,
} from '../use-case/port/notifications-item.repository.port.js';
import { toIntegrationEvents } from './notifications-item.integration-events.js';

/** Stream id of an item: `notifications-item-<uuid>`. */
export const notificationsItemStreamId = (itemId: string): string => `notifications-item-${itemId}`;

/**
 * NotificationsItem aggregates in the Postgres event store. `save` commits, in ONE transaction, the
 * domain events and the integration events they imply (outbox).
 */
export class NotificationsItemEventStoreRepository implements NotificationsItemRepositoryPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {}

  async load(itemId: string): Promise<LoadedNotificationsItem> {
    const events = await this.store.readStream(this.pool, notificationsItemStreamId(itemId));
    const state = events.reduce(
      (s, e) => notificationsItemDecider.evolve(s, { type: e.type, data: e.data } as NotificationsItemEvent),
      notificationsItemDecider.initialState(),
    );
    return { state, version: events.length };
  }

  async save(
    itemId: string,
    events: readonly NotificationsItemEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        await this.store.append(
          client,
          notificationsItemStreamId(itemId),
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
