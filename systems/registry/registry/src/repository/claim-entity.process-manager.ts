import type { Projection, RecordedEvent, SqlClient } from '@archipelago/platform-event-store';
import { DomainError } from '@archipelago/util-decider';
import type { ClaimEvent } from '../entity/claim/claim.events.js';
import { registryEntityDecider } from '../entity/registry-entity/registry-entity.decider.js';
import type { AttestationRecord } from '../entity/registry-entity/registry-entity.events.js';
import { claimDecider } from '../entity/claim/claim.decider.js';
import type { ClaimState } from '../entity/claim/claim.state.js';
import { pointersOverlap, type RegistryEntityState } from '../entity/registry-entity/registry-entity.state.js';
import { foldClaim, type ClaimEventStoreRepository } from './claim.event-store.repository.js';
import {
  registryEntityStreamId,
  type RegistryEntityEventStoreRepository,
} from './registry-entity.event-store.repository.js';

const STATE_OF: Readonly<Record<Exclude<ClaimEvent['type'], 'ClaimSuperseded'>, AttestationRecord['state']>> = {
  ClaimRaised: 'PENDING',
  ClaimAttested: 'ATTESTED',
  ClaimRejected: 'REJECTED',
};

/**
 * The claim → entity process manager: for every claim event in the log it records the claim's
 * progress on the entity (`RecordAttestation`: PENDING, ATTESTED with the values frozen, REJECTED).
 * It runs as a checkpointed projection (`claim_entity_process`): the entity's events and the
 * checkpoint commit in ONE transaction, so a crash between a claim decision and this step only
 * delays it (the next start resumes from the checkpoint), and the entity decider is idempotent per
 * claim, so a replay records nothing twice. A concurrent entity write rolls the batch back and the
 * runner retries it; an entity deleted meanwhile is skipped (the decision stays on the claim).
 *
 * A raised claim supersedes the entity's open claim of the same policy, if any (`SupersedeClaim`
 * on the older claim, ClaimSupersededV1 in the outbox, in the same transaction): claims are taken
 * in log order, so of two raised back to back the later one always wins. A decision appended to
 * the older claim first stands (superseding then records nothing); one racing the supersession
 * loses on the claim's expected version (409 `superseded` on retry) or, if it wins, rolls this
 * batch back to be run again.
 */
export class ClaimEntityProcessManager implements Projection {
  readonly name = 'claim_entity_process';

  constructor(
    private readonly entities: RegistryEntityEventStoreRepository,
    private readonly readStream: (client: SqlClient, streamId: string) => Promise<RecordedEvent[]>,
    private readonly claims?: ClaimEventStoreRepository,
  ) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const type = recorded.type as ClaimEvent['type'];
    if (type !== 'ClaimRaised' && type !== 'ClaimAttested' && type !== 'ClaimRejected') return;
    const claim = foldClaim(
      (await this.readStream(client, recorded.streamId)).filter((e) => e.streamVersion <= recorded.streamVersion),
    );
    if (claim.status === 'absent') return;
    const event = { type: recorded.type, data: recorded.data } as ClaimEvent;
    const { state: entity, version } = await this.entities.loadIn(client, claim.entityId);
    if (type === 'ClaimRaised') await this.supersedeOpenClaim(client, entity, claim, recorded);
    const attestation: AttestationRecord['state'] =
      type === 'ClaimAttested' && (await this.changedSinceRequest(client, claim))
        ? 'NEEDS_REATTESTATION'
        : STATE_OF[type];
    let events;
    try {
      events = registryEntityDecider.decide(
        {
          type: 'RecordAttestation',
          data: {
            id: claim.entityId,
            type: claim.entityType,
            now: event.data.at,
            by: event.data.by,
            claimId: claim.id,
            policy: claim.policy,
            state: attestation,
            properties: claim.properties,
            ...(type === 'ClaimAttested' ? { attestedData: claim.values } : {}),
          },
        },
        entity,
      );
    } catch (error) {
      if (error instanceof DomainError) return; // the entity is gone: nothing to record
      throw error;
    }
    await this.entities.saveIn(client, claim.entityId, events, version, {
      correlationId: recorded.metadata.correlationId,
      causationId: recorded.id,
      actor: event.data.by,
    });
  }

  /**
   * The entity's current claim of the raised claim's policy, when it is another one still PENDING on
   * the entity and was raised before it, is superseded by the raised claim (if still open).
   */
  private async supersedeOpenClaim(
    client: SqlClient,
    entity: RegistryEntityState,
    raised: Exclude<ClaimState, { status: 'absent' }>,
    recorded: RecordedEvent,
  ): Promise<void> {
    if (!this.claims || entity.status === 'absent') return;
    const current = entity.attestations?.[raised.policy];
    if (!current || current.claimId === raised.id || current.state !== 'PENDING') return;
    const { state: older, version } = await this.claims.loadIn(client, current.claimId);
    // Replaying an old ClaimRaised must not supersede a newer claim: only an earlier one is.
    if (older.status !== 'open' || older.raisedAt > raised.raisedAt || older.id > raised.id) return;
    const events = claimDecider.decide(
      {
        type: 'SupersedeClaim',
        data: { id: older.id, now: raised.raisedAt, requester: raised.requester, supersededBy: raised.id },
      },
      older,
    );
    await this.claims.saveIn(client, older.id, events, version, {
      ...(recorded.metadata.correlationId ? { correlationId: String(recorded.metadata.correlationId) } : {}),
      causationId: recorded.id,
      actor: raised.requester,
    });
  }

  /**
   * Whether the entity changed one of the claim's properties after the version the claim was raised
   * on (an `EntityUpdated` whose `changed` pointers are equal to, inside or above one of them, the
   * rule that sets an attested policy back to NEEDS_REATTESTATION): then what was attested is not
   * what the entity holds, and it is recorded as needing re-attestation (Sunbird RC likewise sends a
   * changed attested property back to draft, whether a claim on it is pending or attested).
   */
  private async changedSinceRequest(
    client: SqlClient,
    claim: Exclude<ClaimState, { status: 'absent' }>,
  ): Promise<boolean> {
    const events = await this.readStream(client, registryEntityStreamId(claim.entityId));
    return events.some((e) => {
      if (e.type !== 'EntityUpdated') return false;
      const data = e.data as { version?: number; changed?: readonly string[] };
      if ((data.version ?? e.streamVersion) <= claim.entityVersion) return false;
      return (data.changed ?? []).some((c) => claim.properties.some((p) => pointersOverlap(c, p)));
    });
  }

  async reset(): Promise<void> {
    // Nothing to empty: replaying records nothing twice (RecordAttestation is idempotent per claim).
  }
}
