import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RegistryEntityState } from '../../entity/registry-entity/registry-entity.state.js';
import { handleRegistryEntityCommand } from '../handle-registry-entity-command.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';
import { ServingDefinitions } from '../serving-definitions.js';
import { UpdateEntityCommand } from './update-entity.command.js';

/**
 * Replaces or merge-patches an entity; the result is validated against the version serving now.
 * @throws EntityNotFoundError (404), EntityTypeNotFoundError (404), EntityTypeNotActiveError (409),
 *   EntityValidationError (400), EntityVersionConflictError (412), EntityTransitionNotAllowedError (409),
 *   UniqueFieldTakenError (409)
 */
@CommandHandler(UpdateEntityCommand)
export class UpdateEntityUseCase implements ICommandHandler<UpdateEntityCommand, RegistryEntityState> {
  private readonly serving: ServingDefinitions;

  constructor(
    @Inject(DEFINITION_REPOSITORY) definitions: DefinitionRepositoryPort,
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
  ) {
    this.serving = new ServingDefinitions(definitions);
  }

  execute({ type, id, mode, document, expectedVersion, context }: UpdateEntityCommand): Promise<RegistryEntityState> {
    return handleRegistryEntityCommand(
      this.entities,
      id,
      async () => {
        const definition = await this.serving.forType(type);
        // The path's spelling of the type may differ in case; the definition's title is the type.
        const common = {
          id,
          type: definition.type,
          definition,
          expectedVersion,
          now: new Date().toISOString(),
          by: context.actor ?? 'anonymous',
        };
        return mode === 'replace'
          ? { type: 'ReplaceEntity', data: { ...common, body: document } }
          : { type: 'PatchEntity', data: { ...common, patch: document } };
      },
      context,
    );
  }
}
