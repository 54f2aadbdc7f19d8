import { assertMayReadWithoutToken, managesType, provenOwner } from '../../entity/registry-entity/field-access.js';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { rulesDocument } from '../../entity/definition/definition.state.js';
import { osConfigOf } from '../../entity/definition/definition-schema.js';
import { EntityTypeNotFoundError } from '../../entity/registry-entity/registry-entity.errors.js';
import { accessOf, type EntityView } from '../get-entity/get-entity.use-case.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { ENTITY_SEARCH, type EntitySearchPort } from '../port/entity-search.port.js';
import {
  REGISTRY_ENTITY_REPOSITORY,
  type RegistryEntityRepositoryPort,
} from '../port/registry-entity.repository.port.js';
import { ListEntitiesQuery } from './list-entities.query.js';

/** A page of entities as the reader may see them; `totalCount`: all the reader may list. */
export interface EntityListView {
  readonly totalCount: number;
  readonly items: readonly EntityView[];
}

/**
 * "My entities": the entities of a type the reader owns (an `ownershipAttributes` value equal to
 * their user id or verified e-mail), or every entity of the type for a manager (`admin` or a role in
 * `_osConfig.roles`), in id (creation) order. Which entities match comes from the `entity_search`
 * read model (eventually consistent: an entity created a moment ago may be missing for a moment);
 * each item is then read from its event stream, so what is shown is current and private fields go
 * to owners and managers exactly as on a read by id. The type may be inactive (its entities stay
 * readable); an unknown type is 404. Without a token, public types only (`anonymous` in `_osConfig.roles`).
 * @throws EntityReadUnauthenticatedError (401), EntityTypeNotFoundError (404)
 */
@QueryHandler(ListEntitiesQuery)
export class ListEntitiesUseCase implements IQueryHandler<ListEntitiesQuery, EntityListView> {
  constructor(
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
    @Inject(REGISTRY_ENTITY_REPOSITORY) private readonly entities: RegistryEntityRepositoryPort,
    @Inject(ENTITY_SEARCH) private readonly search: EntitySearchPort,
  ) {}

  async execute({ type, reader, limit, offset }: ListEntitiesQuery): Promise<EntityListView> {
    const definitionId = definitionIdOf(type);
    const { state: definition } = await this.definitions.load(definitionId);
    const config = definition.status === 'absent' ? undefined : osConfigOf(rulesDocument(definition));
    assertMayReadWithoutToken(config, reader, type);
    if (definition.status === 'absent' || config === undefined) throw new EntityTypeNotFoundError(type);
    const manager = managesType(config, reader);
    const page = await this.search.list(definitionId, manager ? 'all' : provenOwner(reader), limit, offset);
    const items: EntityView[] = [];
    for (const id of page.ids) {
      const { state } = await this.entities.load(id);
      // Deleted (or no longer the reader's) since the read model was written: left out.
      if (state.status === 'absent' || state.status === 'deleted' || state.definitionId !== definitionId) continue;
      const access = accessOf(state, definition, reader);
      if (access) items.push(access.view);
    }
    return { totalCount: page.totalCount, items };
  }
}
