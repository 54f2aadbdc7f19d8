import { inTransaction, PostgresEventStore, WrongExpectedVersionError } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { definitionDecider } from '../entity/definition/definition.decider.js';
import type { DefinitionEvent } from '../entity/definition/definition.events.js';
import type { DefinitionState } from '../entity/definition/definition.state.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  DefinitionConcurrencyConflictError,
  type DefinitionRepositoryPort,
  type LoadedDefinition,
} from '../use-case/port/definition.repository.port.js';
import type { DefinitionVersion, DefinitionVersionsPort } from '../use-case/port/definition.read-model.port.js';
import { definitionIntegrationEvents } from './definition.integration-events.js';

/** Stream id of a definition: `definition-<id>` (the id derived from the title). */
export const definitionStreamId = (id: string): string => `definition-${id}`;

const fold = (events: readonly { type: string; data: unknown }[]): DefinitionState =>
  events.reduce(
    (s, e) => definitionDecider.evolve(s, { type: e.type, data: e.data } as DefinitionEvent),
    definitionDecider.initialState(),
  );

/**
 * Definitions in the Postgres event store. `save` commits, in ONE transaction, the domain events
 * and the integration events they imply (outbox: `DefinitionActivatedV1`). Also answers the
 * version history of a definition from its stream (always current).
 */
export class DefinitionEventStoreRepository implements DefinitionRepositoryPort, DefinitionVersionsPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {}

  async load(id: string): Promise<LoadedDefinition> {
    const events = await this.store.readStream(this.pool, definitionStreamId(id));
    return { state: fold(events), version: events.length };
  }

  async save(
    id: string,
    events: readonly DefinitionEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void> {
    if (events.length === 0) return;
    try {
      await inTransaction(this.pool, async (client) => {
        await this.store.append(
          client,
          definitionStreamId(id),
          events.map((e) => ({ type: e.type, data: e.data })),
          { expectedVersion, metadata: { ...context } },
        );
        const messages = definitionIntegrationEvents(events, context.traceparent);
        if (messages.length > 0) await this.messaging.outbox.add(client, messages);
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new DefinitionConcurrencyConflictError(id);
      throw error;
    }
  }

  /** Every version of a definition, oldest first, with what happened to it; empty when unknown. */
  async versions(id: string): Promise<DefinitionVersion[]> {
    const events = await this.store.readStream(this.pool, definitionStreamId(id));
    const versions = new Map<
      number,
      {
        version: number;
        createdAt: string;
        createdBy: string;
        status: DefinitionVersion['status'];
        activatedAt?: string;
      }
    >();
    let latest = 0;
    for (const recorded of events) {
      const event = { type: recorded.type, data: recorded.data } as DefinitionEvent;
      switch (event.type) {
        case 'DefCreated':
        case 'DefUpdated':
          latest = event.data.version;
          versions.set(latest, {
            version: latest,
            createdAt: event.data.at,
            createdBy: event.data.by,
            status: 'draft',
          });
          break;
        case 'DefValidated':
        case 'DefValidatedFailed': {
          const v = versions.get(event.data.version);
          if (v) v.status = event.type === 'DefValidated' ? 'valid' : 'invalid';
          break;
        }
        case 'DefActivated': {
          for (const v of versions.values()) if (v.status === 'active') v.status = 'superseded';
          const v = versions.get(event.data.version);
          if (v) Object.assign(v, { status: 'active', activatedAt: event.data.at });
          break;
        }
        case 'DefDeactivated':
        case 'DefDeleted':
          break;
      }
    }
    return [...versions.values()];
  }
}
