import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DefinitionNotFoundError } from '../../entity/definition/definition.errors.js';
import {
  DEFINITION_VERSIONS,
  type DefinitionVersion,
  type DefinitionVersionsPort,
} from '../port/definition.read-model.port.js';
import { ListDefinitionVersionsQuery } from './list-definition-versions.query.js';

/** The versions of a definition. @throws DefinitionNotFoundError (404) */
@QueryHandler(ListDefinitionVersionsQuery)
export class ListDefinitionVersionsUseCase implements IQueryHandler<ListDefinitionVersionsQuery, DefinitionVersion[]> {
  constructor(@Inject(DEFINITION_VERSIONS) private readonly versions: DefinitionVersionsPort) {}

  async execute({ id }: ListDefinitionVersionsQuery): Promise<DefinitionVersion[]> {
    const versions = await this.versions.versions(id);
    if (versions.length === 0) throw new DefinitionNotFoundError(id);
    return versions;
  }
}
