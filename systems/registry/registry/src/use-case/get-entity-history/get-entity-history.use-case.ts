import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { rulesDocument } from '../../entity/definition/definition.state.js';
import { osConfigOf } from '../../entity/definition/definition-schema.js';
import { definitionShape } from '../../entity/definition/os-config.js';
import { entityHistory, type EntityHistoryEntry } from '../../entity/registry-entity/entity-history.js';
import { registryEntityDecider } from '../../entity/registry-entity/registry-entity.decider.js';
import { EntityNotFoundError } from '../../entity/registry-entity/registry-entity.errors.js';
import { accessOf } from '../get-entity/get-entity.use-case.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';
import { GetEntityHistoryQuery } from './get-entity-history.query.js';

/**
 * The audit trail of an entity, from its event stream (strongly consistent): every event with its
 * version, name, time, actor and the JSON Pointers of the fields it changed, never values. For the
 * owner and managers only, as a read by id; anyone else, a deleted entity and another type's entity
 * get 404. Internal fields' pointers go to managers only.
 * @throws EntityNotFoundError (404)
 */
@QueryHandler(GetEntityHistoryQuery)
export class GetEntityHistoryUseCase implements IQueryHandler<GetEntityHistoryQuery, EntityHistoryEntry[]> {
  constructor(
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
  ) {}

  async execute({ type, id, reader }: GetEntityHistoryQuery): Promise<EntityHistoryEntry[]> {
    const events = await this.entities.history(id);
    const state = events.reduce(registryEntityDecider.evolve, registryEntityDecider.initialState());
    if (state.status === 'absent' || state.status === 'deleted' || state.definitionId !== definitionIdOf(type)) {
      throw new EntityNotFoundError(type, id);
    }
    const { state: definition } = await this.definitions.load(state.definitionId);
    if (definition.status === 'absent') throw new EntityNotFoundError(type, id);
    const access = accessOf(state, definition, reader);
    if (!access) throw new EntityNotFoundError(type, id);
    const document = rulesDocument(definition);
    return entityHistory(events, osConfigOf(document), definitionShape(document).contentPointer, access.manager);
  }
}
