import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { managesType, writerRole } from '../../entity/registry-entity/field-access.js';
import type { RegistryEntityState } from '../../entity/registry-entity/registry-entity.state.js';
import { relationOf } from '../get-entity/get-entity.use-case.js';
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
 * Managers of the type write any entity; its owner writes it under the owner rules (field-access.ts
 * `ownerWrite`: internal and system fields and the ownership fields stay as they are); anyone else
 * gets 404 as on a read (401 without a token). Who is who is judged as on a read (`relationOf`).
 * @throws EntityNotFoundError (404), EntityTypeNotFoundError (404), EntityTypeNotActiveError (409),
 *   EntityWriteUnauthenticatedError (401), EntityFieldWriteForbiddenError (403),
 *   EntityOwnershipChangeForbiddenError (403), EntityValidationError (400), EntityVersionConflictError (412),
 *   EntityTransitionNotAllowedError (409), UniqueFieldTakenError (409)
 */
@CommandHandler(UpdateEntityCommand)
export class UpdateEntityUseCase implements ICommandHandler<UpdateEntityCommand, RegistryEntityState> {
  private readonly serving: ServingDefinitions;

  constructor(
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
  ) {
    this.serving = new ServingDefinitions(definitions);
  }

  execute({
    type,
    id,
    mode,
    document,
    expectedVersion,
    context,
    caller,
  }: UpdateEntityCommand): Promise<RegistryEntityState> {
    return handleRegistryEntityCommand(
      this.entities,
      id,
      async (state) => {
        const { state: stored, ...definition } = await this.serving.forType(type);
        const live = state.status !== 'absent' && state.status !== 'deleted' && state.type === definition.type;
        const relation = live
          ? relationOf(state, stored, caller)
          : { owner: false, manager: managesType(definition.config, caller) };
        const role = writerRole(relation, caller, definition.type, id);
        const owner =
          role === 'owner' ? { config: definition.config, contentPointer: definition.contentPointer } : undefined;
        // The path's spelling of the type may differ in case; the definition's title is the type.
        const common = {
          id,
          type: definition.type,
          definition,
          expectedVersion,
          now: new Date().toISOString(),
          by: context.actor ?? 'anonymous',
          ...(owner ? { owner } : {}),
        };
        return mode === 'replace'
          ? { type: 'ReplaceEntity', data: { ...common, body: document } }
          : { type: 'PatchEntity', data: { ...common, patch: document } };
      },
      context,
    );
  }
}
