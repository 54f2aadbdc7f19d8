import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { canonicalTitle } from '../../entity/definition/definition-id.js';
import type { RegistryEntityState } from '../../entity/registry-entity/registry-entity.state.js';
import { handleRegistryEntityCommand } from '../handle-registry-entity-command.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';
import { DeleteEntityCommand } from './delete-entity.command.js';

/**
 * Deletes an entity (of any status, whatever its definition's status now). A deleted or unknown
 * entity, or one of another type, is not found.
 * @throws EntityNotFoundError (404), EntityVersionConflictError (412)
 */
@CommandHandler(DeleteEntityCommand)
export class DeleteEntityUseCase implements ICommandHandler<DeleteEntityCommand, RegistryEntityState> {
  constructor(@Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort) {}

  async execute({ type, id, expectedVersion, context }: DeleteEntityCommand): Promise<RegistryEntityState> {
    const { state } = await this.entities.load(id);
    // The type in the path may be spelt in another case or form than the stored title.
    const storedType =
      state.status !== 'absent' && canonicalTitle(state.type) === canonicalTitle(type) ? state.type : type;
    return handleRegistryEntityCommand(
      this.entities,
      id,
      async () => ({
        type: 'DeleteEntity',
        data: {
          id,
          type: storedType,
          expectedVersion,
          now: new Date().toISOString(),
          by: context.actor ?? 'anonymous',
        },
      }),
      context,
    );
  }
}
