import { inTransaction, PostgresEventStore, WrongExpectedVersionError } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { tasksItemDecider } from '../entity/tasks-item/tasks-item.decider.js';
import type { TasksItemEvent } from '../entity/tasks-item/tasks-item.events.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  ConcurrencyConflictError,
  type LoadedTasksItem,
  type TasksItemRepositoryPort,
} from '../use-case/port/tasks-item.repository.port.js';
import { toIntegrationEvents } from './tasks-item.integration-events.js';

/** Stream id of an item: `tasks-item-<uuid>`. */
export const tasksItemStreamId = (itemId: string): string => `tasks-item-${itemId}`;

/**
 * TasksItem aggregates in the Postgres event store. `save` commits, in ONE transaction, the
 * domain events and the integration events they imply (outbox).
 */
export class TasksItemEventStoreRepository implements TasksItemRepositoryPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {}

  async load(itemId: string): Promise<LoadedTasksItem> {
    const events = await this.store.readStream(this.pool, tasksItemStreamId(itemId));
    const state = events.reduce(
      (s, e) => tasksItemDecider.evolve(s, { type: e.type, data: e.data } as TasksItemEvent),
      tasksItemDecider.initialState(),
    );
    return { state, version: events.length };
  }

  async save(
    itemId: string,
    events: readonly TasksItemEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        await this.store.append(
          client,
          tasksItemStreamId(itemId),
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
