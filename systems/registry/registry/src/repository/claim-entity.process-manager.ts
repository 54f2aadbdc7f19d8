import type { Projection, RecordedEvent, SqlClient } from '@archipelago/platform-event-store';
import { DomainError } from '@archipelago/util-decider';
import type { ClaimEvent } from '../entity/claim/claim.events.js';
import { registryEntityDecider } from '../entity/registry-entity/registry-entity.decider.js';
import type { AttestationRecord } from '../entity/registry-entity/registry-entity.events.js';
import { foldClaim } from './claim.event-store.repository.js';
import type { RegistryEntityEventStoreRepository } from './registry-entity.event-store.repository.js';

const STATE_OF: Readonly<Record<ClaimEvent['type'], AttestationRecord['state']>> = {
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
 */
export class ClaimEntityProcessManager implements Projection {
  readonly name = 'claim_entity_process';

  constructor(
    private readonly entities: RegistryEntityEventStoreRepository,
    private readonly readStream: (client: SqlClient, streamId: string) => Promise<RecordedEvent[]>,
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
    const attestation: AttestationRecord['state'] = STATE_OF[type];
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
            ...(attestation === 'ATTESTED' ? { attestedData: claim.values } : {}),
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

  async reset(): Promise<void> {
    // Nothing to empty: replaying records nothing twice (RecordAttestation is idempotent per claim).
  }
}
