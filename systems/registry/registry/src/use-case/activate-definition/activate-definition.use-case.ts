import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DefinitionState } from '../../entity/definition/definition.state.js';
import { handleDefinitionCommand, loadReferences } from '../handle-definition-command.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { ActivateDefinitionCommand } from './activate-definition.command.js';

/**
 * Activates the latest version (validating it first unless it is `valid`): from then on it validates new entities.
 * @throws DefinitionNotFoundError (404), DefinitionTransitionNotAllowedError (409), DefinitionNotValidError (409, with the problems)
 */
@CommandHandler(ActivateDefinitionCommand)
export class ActivateDefinitionUseCase implements ICommandHandler<
  ActivateDefinitionCommand,
  { state: DefinitionState; version: number }
> {
  constructor(@Inject(DEFINITION_REPOSITORY) private readonly repository: DefinitionRepositoryPort) {}

  execute({ id, context }: ActivateDefinitionCommand) {
    return handleDefinitionCommand(
      this.repository,
      id,
      async (state) => ({
        type: 'ActivateDefinition',
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
