import { inTransaction, PostgresEventStore, WrongExpectedVersionError } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { registryItemDecider } from '../entity/registry-item/registry-item.decider.js';
import type { RegistryItemEvent } from '../entity/registry-item/registry-item.events.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  ConcurrencyConflictError,
  type LoadedRegistryItem,
  type RegistryItemRepositoryPort,
} from '../use-case/port/registry-item.repository.port.js';
import { toIntegrationEvents } from './registry-item.integration-events.js';

/** Stream id of an item: `registry-item-<uuid>`. */
export const registryItemStreamId = (itemId: string): string => `registry-item-${itemId}`;

/**
 * RegistryItem aggregates in the Postgres event store. `save` commits, in ONE transaction, the
 * domain events and the integration events they imply (outbox).
 */
export class RegistryItemEventStoreRepository implements RegistryItemRepositoryPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {}

  async load(itemId: string): Promise<LoadedRegistryItem> {
    const events = await this.store.readStream(this.pool, registryItemStreamId(itemId));
    const state = events.reduce(
      (s, e) => registryItemDecider.evolve(s, { type: e.type, data: e.data } as RegistryItemEvent),
      registryItemDecider.initialState(),
    );
    return { state, version: events.length };
  }

  async save(
    itemId: string,
    events: readonly RegistryItemEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        await this.store.append(
          client,
          registryItemStreamId(itemId),
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
