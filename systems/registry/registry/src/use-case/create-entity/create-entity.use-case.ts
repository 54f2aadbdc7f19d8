import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertMayCreate } from '../../entity/registry-entity/field-access.js';
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
 * Creates (or invites) an entity of an active type, validated against the version serving now. Only
 * a manager of the type creates ({@link assertMayCreate}: `admin`, a role in `_osConfig.roles`, or
 * anyone when that holds `anonymous`).
 * @throws EntityTypeNotFoundError (404), EntityTypeNotActiveError (409), EntityWriteUnauthenticatedError (401),
 *   EntityCreateForbiddenError (403), EntityValidationError (400), UniqueFieldTakenError (409)
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

  async execute({ type, body, invite, context, caller }: CreateEntityCommand): Promise<RegistryEntityState> {
    const id = this.ids.next();
    return handleRegistryEntityCommand(
      this.entities,
      id,
      async () => {
        const definition = await this.serving.forType(type);
        assertMayCreate(definition.config, caller, definition.type);
        return {
          type: invite ? 'InviteEntity' : 'CreateEntity',
          data: { id, body, definition, now: new Date().toISOString(), by: context.actor ?? 'anonymous' },
        };
      },
      context,
    );
  }
}
