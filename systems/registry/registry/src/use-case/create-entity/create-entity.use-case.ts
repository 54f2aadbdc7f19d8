import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RegistryEntityState } from '../../entity/registry-entity/registry-entity.state.js';
import { handleRegistryEntityCommand } from '../handle-registry-entity-command.js';
import { ENTITY_ID, type EntityIdPort } from '../port/entity-id.port.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';
import { ServingDefinitions } from '../serving-definitions.js';
import { CreateEntityCommand } from './create-entity.command.js';

/**
 * Creates (or invites) an entity of an active type, validated against the version serving now.
 * @throws EntityTypeNotFoundError (404), EntityTypeNotActiveError (409), EntityValidationError (400),
 *   UniqueFieldTakenError (409)
 */
@CommandHandler(CreateEntityCommand)
export class CreateEntityUseCase implements ICommandHandler<CreateEntityCommand, RegistryEntityState> {
  private readonly serving: ServingDefinitions;

  constructor(
    @Inject(DEFINITION_REPOSITORY) definitions: DefinitionRepositoryPort,
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
    @Inject(ENTITY_ID) private readonly ids: EntityIdPort,
  ) {
    this.serving = new ServingDefinitions(definitions);
  }

  async execute({ type, body, invite, context }: CreateEntityCommand): Promise<RegistryEntityState> {
    const id = this.ids.next();
    return handleRegistryEntityCommand(
      this.entities,
      id,
      async () => ({
        type: invite ? 'InviteEntity' : 'CreateEntity',
        data: {
          id,
          body,
          definition: await this.serving.forType(type),
          now: new Date().toISOString(),
          by: context.actor ?? 'anonymous',
        },
      }),
      context,
    );
  }
}
