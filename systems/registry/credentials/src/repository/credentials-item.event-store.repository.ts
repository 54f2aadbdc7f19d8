import { inTransaction, PostgresEventStore, WrongExpectedVersionError } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { credentialsItemDecider } from '../entity/credentials-item/credentials-item.decider.js';
import type { CredentialsItemEvent } from '../entity/credentials-item/credentials-item.events.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  ConcurrencyConflictError,
  type LoadedCredentialsItem,
  type CredentialsItemRepositoryPort,
} from '../use-case/port/credentials-item.repository.port.js';
import { toIntegrationEvents } from './credentials-item.integration-events.js';

/** Stream id of an item: `credentials-item-<uuid>`. */
export const credentialsItemStreamId = (itemId: string): string => `credentials-item-${itemId}`;

/**
 * CredentialsItem aggregates in the Postgres event store. `save` commits, in ONE transaction, the
 * domain events and the integration events they imply (outbox).
 */
export class CredentialsItemEventStoreRepository implements CredentialsItemRepositoryPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {}

  async load(itemId: string): Promise<LoadedCredentialsItem> {
    const events = await this.store.readStream(this.pool, credentialsItemStreamId(itemId));
    const state = events.reduce(
      (s, e) => credentialsItemDecider.evolve(s, { type: e.type, data: e.data } as CredentialsItemEvent),
      credentialsItemDecider.initialState(),
    );
    return { state, version: events.length };
  }

  async save(
    itemId: string,
    events: readonly CredentialsItemEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        await this.store.append(
          client,
          credentialsItemStreamId(itemId),
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
