import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { EntityTransitionNotAllowedError } from '../../entity/registry-entity/registry-entity.errors.js';
import { accessOf } from '../get-entity/get-entity.use-case.js';
import { handleRegistryEntityCommand } from '../handle-registry-entity-command.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';
import { AcceptInvitationCommand } from './accept-invitation.command.js';

/**
 * An invited entity becomes `active` when its owner (the user whose id or e-mail its
 * `ownershipAttributes` name) reads it: called by the read, does nothing for anyone else (a manager
 * reading it leaves it invited) nor for an entity that is not `invited` (idempotent; a concurrent
 * acceptance wins quietly).
 * @returns whether this call accepted the invitation
 */
@CommandHandler(AcceptInvitationCommand)
export class AcceptInvitationUseCase implements ICommandHandler<AcceptInvitationCommand, boolean> {
  constructor(
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
  ) {}

  async execute({ type, id, reader, context }: AcceptInvitationCommand): Promise<boolean> {
    const { state } = await this.entities.load(id);
    if (state.status !== 'invited' || state.definitionId !== definitionIdOf(type)) return false;
    const { state: definition } = await this.definitions.load(state.definitionId);
    if (definition.status === 'absent' || !accessOf(state, definition, reader)?.owner) return false;
    try {
      await handleRegistryEntityCommand(
        this.entities,
        id,
        async () => ({
          type: 'AcceptInvitation',
          data: { id, type: state.type, now: new Date().toISOString(), by: reader.id },
        }),
        context,
      );
      return true;
    } catch (error) {
      if (error instanceof EntityTransitionNotAllowedError) return false;
      throw error;
    }
  }
}
