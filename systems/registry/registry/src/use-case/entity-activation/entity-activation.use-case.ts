import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { rulesDocument } from '../../entity/definition/definition.state.js';
import { osConfigOf } from '../../entity/definition/definition-schema.js';
import { managesType } from '../../entity/registry-entity/field-access.js';
import {
  EntityNotFoundError,
  EntityWriteUnauthenticatedError,
} from '../../entity/registry-entity/registry-entity.errors.js';
import type { RegistryEntityState } from '../../entity/registry-entity/registry-entity.state.js';
import { handleRegistryEntityCommand, liveEntityOfType } from '../handle-registry-entity-command.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';
import { EntityActivationCommand } from './entity-activation.command.js';

/**
 * Deactivates an entity (`active`/`invited` → `deactivated`, whatever its definition's status now):
 * it stays readable by its owner and managers, cannot be replaced or patched, can still be deleted;
 * or reactivates a deactivated one (→ `active`).
 * Only managers of the type may (`managesType`); its owner or anyone else gets 404 as on a read
 * (401 without a token unless the type is public). A deleted or unknown entity, or one of another
 * type, is not found.
 * @throws EntityNotFoundError (404), EntityWriteUnauthenticatedError (401), EntityVersionConflictError (412),
 *   EntityTransitionNotAllowedError (409: deactivating a deactivated entity, reactivating one that is not)
 */
@CommandHandler(EntityActivationCommand)
export class EntityActivationUseCase implements ICommandHandler<EntityActivationCommand, RegistryEntityState> {
  constructor(
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
  ) {}

  async execute({
    transition,
    type,
    id,
    expectedVersion,
    context,
    caller,
  }: EntityActivationCommand): Promise<RegistryEntityState> {
    const { state: definition } = await this.definitions.load(definitionIdOf(type));
    if (definition.status === 'absent') throw new EntityNotFoundError(type, id);
    if (!managesType(osConfigOf(rulesDocument(definition)), caller)) {
      if (caller.authenticated === false) throw new EntityWriteUnauthenticatedError(definition.title);
      throw new EntityNotFoundError(definition.title, id);
    }
    return handleRegistryEntityCommand(
      this.entities,
      id,
      async (state) => {
        return {
          type: transition,
          data: {
            id,
            type: liveEntityOfType(state, type)?.type ?? type,
            expectedVersion,
            now: new Date().toISOString(),
            by: context.actor ?? 'anonymous',
          },
        };
      },
      context,
    );
  }
}
