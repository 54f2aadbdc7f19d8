import { managesType } from '../../entity/registry-entity/field-access.js';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import {
  osConfigOf,
  type DefinitionDocument,
  type DefinitionReferences,
} from '../../entity/definition/definition-schema.js';
import { servingVersion } from '../../entity/definition/definition.state.js';
import {
  EntityTypeNotActiveError,
  EntityTypeNotFoundError,
} from '../../entity/registry-entity/registry-entity.errors.js';
import { searchableFields, type SearchableFields } from '../../entity/search/searchable-fields.js';
import { loadReferences } from '../handle-definition-command.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { DescribeEntityTypeQuery } from './describe-entity-type.query.js';

/** The serving version of an entity type, as a client needs it to write valid requests. */
export interface EntityTypeDescription {
  /** The type as its definition's title writes it. */
  readonly type: string;
  readonly definitionId: string;
  /** The definition version entities are validated against now. */
  readonly definitionVersion: number;
  /** Its JSON Schema (draft-07 or 2020-12, with `_osConfig`), as published. */
  readonly schema: DefinitionDocument;
  /** The definitions its cross-document `$ref`s name (`Common` for `Common.json#/…`). */
  readonly references: DefinitionReferences;
  /** Fields a search may filter on for this reader (internal fields for managers only; never private ones). */
  readonly searchable: SearchableFields;
}

/**
 * Describes the serving version of an entity type (any signed-in reader: a definition is no secret).
 * @throws EntityTypeNotFoundError (404) when no definition has that title
 * @throws EntityTypeNotActiveError (409) when its definition serves no version
 */
@QueryHandler(DescribeEntityTypeQuery)
export class DescribeEntityTypeUseCase implements IQueryHandler<DescribeEntityTypeQuery, EntityTypeDescription> {
  constructor(@Inject(DEFINITION_REPOSITORY) private readonly definitions: DefinitionRepositoryPort) {}

  async execute({ type, reader }: DescribeEntityTypeQuery): Promise<EntityTypeDescription> {
    const definitionId = definitionIdOf(type);
    const { state } = await this.definitions.load(definitionId);
    if (state.status === 'absent') throw new EntityTypeNotFoundError(type);
    const serving = servingVersion(state);
    if (!serving) throw new EntityTypeNotActiveError(state.title, state.status);
    const config = osConfigOf(serving.schema);
    const manager = managesType(config, reader);
    const references = await loadReferences(this.definitions, serving.schema);
    return {
      type: state.title,
      definitionId,
      definitionVersion: serving.version,
      schema: serving.schema,
      references,
      // As search itself reads them (SearchEntitiesUseCase): fields of the schema's own document.
      searchable: searchableFields(serving.schema, { includeInternal: manager }),
    };
  }
}
