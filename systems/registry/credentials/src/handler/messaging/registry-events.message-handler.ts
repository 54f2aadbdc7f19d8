import type { IncomingMessage } from '@archipelago/platform-messaging';
import { REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntitySnapshotsPort } from '../../use-case/port/credential-store.port.js';
import { EntityActivationUseCase } from '../../use-case/entity-activation/entity-activation.use-case.js';
import { IssueCredentialUseCase } from '../../use-case/issue-credential/issue-credential.use-case.js';
import { RegistryEventsUseCase } from '../../use-case/registry-events/registry-events.use-case.js';

/** Injection token of the store the consumer records snapshots in (the inbox lives there). */
export const ENTITY_SNAPSHOTS = Symbol('ENTITY_SNAPSHOTS');

const topicOf = (name: string): string | undefined =>
  (REGISTRY_EVENTS as Record<string, { topic: string }>)[name]?.topic;

/**
 * Consumer of the registry's events (group `registry.credentials`): entity created/updated keep a
 * snapshot of the public body (the data of on-demand issuance); entity deleted revokes its
 * credentials; claim attested (ClaimAttestedV1) keeps the attested data and, with a
 * credential template, issues once per claim (to the requester); entity deactivated / reactivated
 * suspends its credentials / lifts the suspension. Malformed payloads are logged and skipped.
 */
@Injectable()
export class RegistryEventsMessageHandler {
  private readonly logger = new Logger('RegistryEventsMessageHandler');

  constructor(
    @Inject(ENTITY_SNAPSHOTS) private readonly store: EntitySnapshotsPort,
    private readonly reactions: RegistryEventsUseCase,
    private readonly issue: IssueCredentialUseCase,
    private readonly activation: EntityActivationUseCase,
  ) {}

  async handle(message: IncomingMessage): Promise<void> {
    const p = message.payload as Record<string, unknown> | null;
    if (!p || typeof p.entityType !== 'string' || typeof p.entityId !== 'string') {
      this.logger.warn(`skipped ${message.type} ${message.id}: no entityType/entityId`);
      return;
    }
    const { entityType, entityId } = p as { entityType: string; entityId: string };
    const context = { correlationId: message.headers['correlation-id'], causationId: message.id };
    switch (message.topic) {
      case topicOf('EntityCreatedV1'):
      case topicOf('EntityUpdatedV1'):
        await this.store.applyEntityChange(message, {
          kind: 'upsert',
          entityType,
          entityId,
          body: (p.body ?? {}) as Record<string, unknown>,
        });
        return;
      case topicOf('EntityDeletedV1'):
        if (await this.store.applyEntityChange(message, { kind: 'deleted', entityType, entityId })) {
          await this.reactions.entityDeleted(entityType, entityId, context);
        }
        return;
      case topicOf('EntityDeactivatedV1'):
      case topicOf('EntityReactivatedV1'): {
        const deactivated = message.topic === topicOf('EntityDeactivatedV1');
        const parsed = REGISTRY_EVENTS[deactivated ? 'EntityDeactivatedV1' : 'EntityReactivatedV1'].schema.safeParse(p);
        if (!parsed.success) {
          this.logger.warn(`skipped ${message.type} ${message.id}: ${parsed.error.message}`);
          return;
        }
        const { version, occurredAt } = parsed.data;
        await this.activation.execute(message, { entityType, entityId, version, deactivated, occurredAt });
        return;
      }
      case topicOf('ClaimAttestedV1'): {
        const attestedData = (p.attestedData ?? {}) as Record<string, unknown>;
        await this.store.applyEntityChange(message, { kind: 'attested', entityType, entityId, attestedData });
        const template = p.credentialTemplate as Record<string, unknown> | undefined;
        if (template && typeof p.claimId === 'string') {
          // Idempotent: one credential per claim (unique claim id), so a redelivery issues nothing.
          await this.issue.execute(
            {
              entityType,
              entityId,
              template,
              data: attestedData,
              claimId: p.claimId,
              ...(typeof p.requester === 'string' && { holder: p.requester }),
            },
            context,
          );
        }
        return;
      }
      default:
        return;
    }
  }
}
