import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DefinitionNotFoundError } from '../../entity/definition/definition.errors.js';
import type { ExistingDefinition } from '../../entity/definition/definition.state.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { GetDefinitionQuery } from './get-definition.query.js';

/** A definition as its stream folds it (any status, including `markedForDeletion`). @throws DefinitionNotFoundError (404) */
@QueryHandler(GetDefinitionQuery)
export class GetDefinitionUseCase implements IQueryHandler<GetDefinitionQuery, ExistingDefinition> {
  constructor(@Inject(DEFINITION_REPOSITORY) private readonly repository: DefinitionRepositoryPort) {}

  async execute({ id }: GetDefinitionQuery): Promise<ExistingDefinition> {
    const { state } = await this.repository.load(id);
    if (state.status === 'absent') throw new DefinitionNotFoundError(id);
    return state;
  }
}
