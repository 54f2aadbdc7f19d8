import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { rulesDocument } from '../../entity/definition/definition.state.js';
import { osConfigOf } from '../../entity/definition/definition-schema.js';
import { managesType, writerRole } from '../../entity/registry-entity/field-access.js';
import { EntityNotFoundError } from '../../entity/registry-entity/registry-entity.errors.js';
import { relationOf } from '../get-entity/get-entity.use-case.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import type { RegistryEntityState } from '../../entity/registry-entity/registry-entity.state.js';
import { handleRegistryEntityCommand, liveEntityOfType } from '../handle-registry-entity-command.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';
import { DeleteEntityCommand } from './delete-entity.command.js';

/**
 * Deletes an entity (of any status, whatever its definition's status now). A deleted or unknown
 * entity, or one of another type, is not found. Managers of the type delete any entity, owners their
 * own; anyone else gets 404 as on a read (401 without a token).
 * @throws EntityNotFoundError (404), EntityWriteUnauthenticatedError (401), EntityVersionConflictError (412)
 */
@CommandHandler(DeleteEntityCommand)
export class DeleteEntityUseCase implements ICommandHandler<DeleteEntityCommand, RegistryEntityState> {
  constructor(
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
  ) {}

  async execute({ type, id, expectedVersion, context, caller }: DeleteEntityCommand): Promise<RegistryEntityState> {
    const { state: definition } = await this.definitions.load(definitionIdOf(type));
    if (definition.status === 'absent') throw new EntityNotFoundError(type, id);
    return handleRegistryEntityCommand(
      this.entities,
      id,
      async (state) => {
        const live = liveEntityOfType(state, type);
        const relation = live
          ? relationOf(live, definition, caller)
          : { owner: false, manager: managesType(osConfigOf(rulesDocument(definition)), caller) };
        writerRole(relation, caller, definition.title, id);
        return {
          type: 'DeleteEntity',
          data: {
            id,
            type: live?.type ?? type,
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
