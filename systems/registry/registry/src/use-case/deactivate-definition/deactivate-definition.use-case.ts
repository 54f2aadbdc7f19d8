import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DefinitionState } from '../../entity/definition/definition.state.js';
import { handleDefinitionCommand } from '../handle-definition-command.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { DeactivateDefinitionCommand } from './deactivate-definition.command.js';

/**
 * Deactivates a definition: no new entities; existing ones stay readable.
 * @throws DefinitionNotFoundError (404), DefinitionTransitionNotAllowedError (409)
 */
@CommandHandler(DeactivateDefinitionCommand)
export class DeactivateDefinitionUseCase implements ICommandHandler<
  DeactivateDefinitionCommand,
  { state: DefinitionState; version: number }
> {
  constructor(@Inject(DEFINITION_REPOSITORY) private readonly repository: DefinitionRepositoryPort) {}

  execute({ id, context }: DeactivateDefinitionCommand) {
    return handleDefinitionCommand(
      this.repository,
      id,
      async () => ({
        type: 'DeactivateDefinition',
        data: { id, now: new Date().toISOString(), by: context.actor ?? 'anonymous' },
      }),
      context,
    );
  }
}
