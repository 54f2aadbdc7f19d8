import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { osConfigOf } from '../../entity/definition/definition-schema.js';
import { rulesDocument, servingVersion } from '../../entity/definition/definition.state.js';
import { definitionShape } from '../../entity/definition/os-config.js';
import {
  assertMayReadWithoutToken,
  discloseEntity,
  managesType,
  pointerSegments,
} from '../../entity/registry-entity/field-access.js';
import {
  EntityTypeNotActiveError,
  EntityTypeNotFoundError,
} from '../../entity/registry-entity/registry-entity.errors.js';
import { parseSearchQuery } from '../../entity/search/search-query.js';
import { searchableFields } from '../../entity/search/searchable-fields.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { ENTITY_SEARCH, type EntitySearchPage, type EntitySearchPort } from '../port/entity-search.port.js';
import { SearchEntitiesQuery } from './search-entities.query.js';

/** Managers of a type may search it: `admin` or a role in its `_osConfig.roles`. */
export class EntitySearchForbiddenError extends Error {
  readonly code = 'SEARCH.FORBIDDEN';
  constructor(readonly type: string) {
    super(`searching ${type} needs a role that manages it`);
  }
}

/**
 * Searches entities of an active type by the fields of its serving version (never private fields;
 * internal fields for managers only, which every searcher is in this version). Without a token,
 * public types only (`anonymous` in `_osConfig.roles`).
 * @throws EntityReadUnauthenticatedError (401), EntityTypeNotFoundError (404), EntityTypeNotActiveError (409), InvalidSearchQueryError (400),
 *   EntitySearchForbiddenError (403)
 */
@QueryHandler(SearchEntitiesQuery)
export class SearchEntitiesUseCase implements IQueryHandler<SearchEntitiesQuery, EntitySearchPage> {
  constructor(
    @Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort,
    @Inject(ENTITY_SEARCH) private readonly search: EntitySearchPort,
  ) {}

  async execute({ type, body, reader }: SearchEntitiesQuery): Promise<EntitySearchPage> {
    const id = definitionIdOf(type);
    const { state } = await this.definitions.load(id);
    const typeConfig = state.status === 'absent' ? undefined : osConfigOf(rulesDocument(state));
    assertMayReadWithoutToken(typeConfig, reader, type);
    if (state.status === 'absent') throw new EntityTypeNotFoundError(type);
    const serving = servingVersion(state);
    if (!serving) throw new EntityTypeNotActiveError(state.title, state.status);
    const config = osConfigOf(serving.schema);
    const manager = managesType(config, reader);
    if (!manager) throw new EntitySearchForbiddenError(state.title);
    const query = parseSearchQuery(body, searchableFields(serving.schema, { includeInternal: manager }));
    const contentPointer = definitionShape(serving.schema).contentPointer;
    const page = await this.search.search(id, query, pointerSegments(contentPointer));
    return {
      totalCount: page.totalCount,
      items: page.items.map((item) => ({
        ...item,
        body: discloseEntity(item.body, config, contentPointer, { purpose: 'search', manager }),
      })),
    };
  }
}
