import {
  inTransaction,
  PostgresEventStore,
  WrongExpectedVersionError,
  type RecordedEvent,
  type SqlClient,
} from '@archipelago/platform-event-store';
import type { Messaging, OutgoingMessage } from '@archipelago/platform-messaging';
import {
  REGISTRY_EVENTS,
  type ClaimAttestedV1,
  type ClaimRaisedV1,
  type ClaimRejectedV1,
  type ClaimSupersededV1,
} from '@archipelago/registry-contracts';
import type pg from 'pg';
import { claimDecider } from '../entity/claim/claim.decider.js';
import type { ClaimEvent } from '../entity/claim/claim.events.js';
import type { ClaimState } from '../entity/claim/claim.state.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  ClaimConcurrencyConflictError,
  type ClaimRepositoryPort,
  type LoadedClaim,
} from '../use-case/port/claim.repository.port.js';

/** Stream id of a claim: `claim-<uuid>`. */
export const claimStreamId = (id: string): string => `claim-${id}`;

/** Folds recorded claim events to the claim's state. */
export const foldClaim = (events: readonly Pick<RecordedEvent, 'type' | 'data'>[]): ClaimState =>
  events.reduce(
    (s, e) => claimDecider.evolve(s, { type: e.type, data: e.data } as ClaimEvent),
    claimDecider.initialState(),
  );

/**
 * Claims in the Postgres event store. `save` commits, in ONE transaction, the domain events and
 * their integration events in the outbox (ClaimRaisedV1, ClaimAttestedV1, ClaimRejectedV1, ClaimSupersededV1 on
 * `registry.registry.claim-*.v1`, key = claim id, CloudEvents type `archipelago.registry.registry.<Name>`).
 */
export class ClaimEventStoreRepository implements ClaimRepositoryPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {}

  async load(id: string): Promise<LoadedClaim> {
    const events = await this.store.readStream(this.pool, claimStreamId(id));
    return { state: foldClaim(events), version: events.length };
  }

  async save(id: string, events: readonly ClaimEvent[], expectedVersion: number, context: CommandContext) {
    if (events.length === 0) return;
    try {
      await inTransaction(this.pool, (client) => this.saveIn(client, id, events, expectedVersion, context));
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ClaimConcurrencyConflictError(id);
      throw error;
    }
  }

  /** The claim's state in `client`'s transaction (the process manager's). */
  async loadIn(client: SqlClient, id: string): Promise<LoadedClaim> {
    const events = await this.store.readStream(client, claimStreamId(id));
    return { state: foldClaim(events), version: events.length };
  }

  /**
   * Appends in `client`'s transaction (the process manager's), with the integration events in the
   * outbox. @throws WrongExpectedVersionError when the claim moved on (the caller's transaction
   * rolls back and is retried).
   */
  async saveIn(
    client: SqlClient,
    id: string,
    events: readonly ClaimEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void> {
    if (events.length === 0) return;
    const before = foldClaim(await this.store.readStream(client, claimStreamId(id)));
    await this.store.append(
      client,
      claimStreamId(id),
      events.map((e) => ({ type: e.type, data: e.data })),
      { expectedVersion, metadata: { ...context } },
    );
    const after = events.reduce(claimDecider.evolve, before);
    const messages = events.flatMap((event) => integrationEvent(event, after, context));
    await this.messaging.outbox.add(client, messages);
  }
}

function integrationEvent(event: ClaimEvent, state: ClaimState, context: CommandContext): OutgoingMessage[] {
  if (state.status === 'absent') return [];
  const base = {
    claimId: state.id,
    entityType: state.entityType,
    entityId: state.entityId,
    definitionId: state.definitionId,
    policy: state.policy,
    requester: state.requester,
    properties: [...state.properties],
    occurredAt: event.data.at,
  };
  const template = state.credentialTemplate === undefined ? {} : { credentialTemplate: state.credentialTemplate };
  const message = (
    name: 'ClaimRaisedV1' | 'ClaimAttestedV1' | 'ClaimRejectedV1' | 'ClaimSupersededV1',
    payload: unknown,
  ) => {
    const { topic, type } = REGISTRY_EVENTS[name];
    return { topic, type, key: state.id, payload, traceparent: context.traceparent };
  };
  switch (event.type) {
    case 'ClaimRaised': {
      const payload: ClaimRaisedV1 = {
        ...base,
        entityVersion: state.entityVersion,
        values: state.values,
        ...template,
        attestorRoles: [...state.attestorRoles],
        ...(state.attestorUserIds === undefined ? {} : { attestorUserIds: [...state.attestorUserIds] }),
      };
      return [message('ClaimRaisedV1', payload)];
    }
    case 'ClaimAttested': {
      const payload: ClaimAttestedV1 = {
        ...base,
        entityVersion: state.entityVersion,
        attestor: event.data.by,
        attestedData: state.values,
        ...(event.data.note === undefined ? {} : { note: event.data.note }),
        ...template,
      };
      return [message('ClaimAttestedV1', payload)];
    }
    case 'ClaimRejected': {
      const payload: ClaimRejectedV1 = { ...base, attestor: event.data.by, note: event.data.note };
      return [message('ClaimRejectedV1', payload)];
    }
    case 'ClaimSuperseded': {
      const payload: ClaimSupersededV1 = { ...base, supersededBy: event.data.supersededBy };
      return [message('ClaimSupersededV1', payload)];
    }
  }
}
