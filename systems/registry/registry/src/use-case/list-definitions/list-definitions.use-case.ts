import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  DEFINITION_READ_MODEL,
  type DefinitionPage,
  type DefinitionReadModelPort,
} from '../port/definition.read-model.port.js';
import { ListDefinitionsQuery } from './list-definitions.query.js';

/** Lists definitions by title, filtered by title substring and status. */
@QueryHandler(ListDefinitionsQuery)
export class ListDefinitionsUseCase implements IQueryHandler<ListDefinitionsQuery, DefinitionPage> {
  constructor(@Inject(DEFINITION_READ_MODEL) private readonly readModel: DefinitionReadModelPort) {}

  execute({ filter }: ListDefinitionsQuery): Promise<DefinitionPage> {
    return this.readModel.list(filter);
  }
}
