import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { claimDecider } from '../../entity/claim/claim.decider.js';
import { AttestationPolicyNotFoundError, NoAttestorError } from '../../entity/claim/claim.errors.js';
import { claimViewOf, type ClaimView } from '../../entity/claim/claim.state.js';
import { rulesDocument } from '../../entity/definition/definition.state.js';
import { readAttestationPolicies } from '../../entity/definition/attestation-policy.js';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { osConfigOf } from '../../entity/definition/definition-schema.js';
import { definitionShape } from '../../entity/definition/os-config.js';
import { discloseEntity, isOwnedBy, ownerIdentities, restrictTo } from '../../entity/registry-entity/field-access.js';
import { EntityNotFoundError } from '../../entity/registry-entity/registry-entity.errors.js';
import { AttestorEntities, contentAt } from '../attestor-entities/attestor-entities.js';
import { CLAIM_REPOSITORY, type ClaimRepositoryPort } from '../port/claim.repository.port.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { ENTITY_ID, type EntityIdPort } from '../port/entity-id.port.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';
import { RaiseClaimCommand } from './raise-claim.command.js';

/**
 * An owner requests attestation of one policy of their entity: a new claim, `open`, holding the
 * policy's property values as they are now (without private and internal fields). The entity
 * shows the policy PENDING once the claim process manager has recorded it.
 * @throws EntityNotFoundError (404: unknown, deleted, another type, or not the caller's),
 *   AttestationPolicyNotFoundError (400: the type has no such requestable policy),
 *   NoAttestorError (400: only attestor entities may decide and none satisfies the policy's condition)
 */
@CommandHandler(RaiseClaimCommand)
export class RaiseClaimUseCase implements ICommandHandler<RaiseClaimCommand, ClaimView> {
  constructor(
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
    @Inject(CLAIM_REPOSITORY) private readonly claims: ClaimRepositoryPort,
    @Inject(ENTITY_ID) private readonly ids: EntityIdPort,
    private readonly attestors: AttestorEntities,
  ) {}

  async execute({ type, entityId, policy: name, caller, context }: RaiseClaimCommand): Promise<ClaimView> {
    const { state: entity } = await this.entities.load(entityId);
    if (entity.status === 'absent' || entity.status === 'deleted' || entity.definitionId !== definitionIdOf(type)) {
      throw new EntityNotFoundError(type, entityId);
    }
    const { state: definition } = await this.definitions.load(entity.definitionId);
    if (definition.status === 'absent') throw new EntityNotFoundError(type, entityId);
    const document = rulesDocument(definition);
    // The active version's rules: a field it made private is never copied into the claim.
    const config = osConfigOf(document);
    const contentPointer = definitionShape(document).contentPointer;
    if (!isOwnedBy(entity.body, config, contentPointer, { id: caller.id }))
      throw new EntityNotFoundError(type, entityId);
    const policy = readAttestationPolicies(config).policies.find((p) => p.name === name);
    if (!policy) throw new AttestationPolicyNotFoundError(entity.type, name);
    const content = contentPointer === '' ? [] : [contentPointer];
    const properties = policy.properties.map((p) => [...content, p].join(''));
    const visible = discloseEntity(entity.body, config, contentPointer, { purpose: 'event' });
    const attestorEntity = policy.attestor.entity;
    const attestorEntities = attestorEntity
      ? await this.attestors.candidates(attestorEntity, { id: entityId, content: contentAt(visible, contentPointer) })
      : undefined;
    if (attestorEntity && attestorEntities?.length === 0 && policy.attestor.roles.length === 0) {
      throw new NoAttestorError(policy.name, attestorEntity.type);
    }
    const attestorUserIds =
      attestorEntity && attestorEntities
        ? await this.ownerUserIds(attestorEntity.type, attestorEntities, caller.id)
        : undefined;
    const id = this.ids.next();
    const events = claimDecider.decide(
      {
        type: 'RaiseClaim',
        data: {
          id,
          now: new Date().toISOString(),
          requester: caller.id,
          subject: {
            entityType: entity.type,
            entityId,
            definitionId: entity.definitionId,
            definitionVersion: entity.definitionVersion,
            entityVersion: entity.version,
            contentPointer,
            policy: policy.name,
            properties,
            values: restrictTo(visible, properties),
            attestorRoles: policy.attestor.roles,
            ...(attestorEntity ? { attestorEntityType: attestorEntity.type } : {}),
            ...(attestorEntities ? { attestorEntities } : {}),
            ...(attestorUserIds ? { attestorUserIds } : {}),
            ...(policy.credentialTemplate ? { credentialTemplate: policy.credentialTemplate as never } : {}),
          },
        },
      },
      claimDecider.initialState(),
    );
    await this.claims.save(id, events, 0, context);
    const state = events.reduce(claimDecider.evolve, claimDecider.initialState());
    if (state.status === 'absent') throw new Error('a raised claim is absent');
    return claimViewOf(state);
  }

  /**
   * The owner user ids (`ownershipAttributes` `userId`) of the attestor entities `ids` of `type`,
   * read from their streams (deleted ones left out), without the requester: who is told of the
   * claim. E-mails and other fields are never read out.
   */
  private async ownerUserIds(type: string, ids: readonly string[], requester: string): Promise<string[]> {
    const definitionId = definitionIdOf(type);
    const { state: definition } = await this.definitions.load(definitionId);
    if (definition.status === 'absent') return [];
    const document = rulesDocument(definition);
    const config = osConfigOf(document);
    const { contentPointer } = definitionShape(document);
    const users = new Set<string>();
    for (const id of ids) {
      const { state } = await this.entities.load(id);
      if (state.status === 'absent' || state.status === 'deleted' || state.definitionId !== definitionId) continue;
      const owners = ownerIdentities(state.body, config, contentPointer);
      for (const user of owners.userIds) users.add(user);
    }
    users.delete(requester);
    return [...users];
  }
}
