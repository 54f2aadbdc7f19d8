import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DefinitionState } from '../../entity/definition/definition.state.js';
import { handleDefinitionCommand, loadReferences } from '../handle-definition-command.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { ValidateDefinitionCommand } from './validate-definition.command.js';

/**
 * Validates the latest version of a definition: compiles it and checks its `_osConfig` paths; the result is a status (`valid` / `invalid` with problems), not an error.
 * @throws DefinitionNotFoundError (404), DefinitionTransitionNotAllowedError (409)
 */
@CommandHandler(ValidateDefinitionCommand)
export class ValidateDefinitionUseCase implements ICommandHandler<
  ValidateDefinitionCommand,
  { state: DefinitionState; version: number }
> {
  constructor(@Inject(DEFINITION_REPOSITORY) private readonly repository: DefinitionRepositoryPort) {}

  execute({ id, context }: ValidateDefinitionCommand) {
    return handleDefinitionCommand(
      this.repository,
      id,
      async (state) => ({
        type: 'ValidateDefinition',
        data: {
          id,
          now: new Date().toISOString(),
          by: context.actor ?? 'anonymous',
          references: state.status === 'absent' ? {} : await loadReferences(this.repository, state.schema),
        },
      }),
      context,
    );
  }
}
