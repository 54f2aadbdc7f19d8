import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DefinitionState } from '../../entity/definition/definition.state.js';
import { handleDefinitionCommand } from '../handle-definition-command.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { DeleteDefinitionCommand } from './delete-definition.command.js';

/**
 * Marks a definition for deletion.
 * @throws DefinitionNotFoundError (404), DefinitionTransitionNotAllowedError (409)
 */
@CommandHandler(DeleteDefinitionCommand)
export class DeleteDefinitionUseCase implements ICommandHandler<
  DeleteDefinitionCommand,
  { state: DefinitionState; version: number }
> {
  constructor(@Inject(DEFINITION_REPOSITORY) private readonly repository: DefinitionRepositoryPort) {}

  execute({ id, context }: DeleteDefinitionCommand) {
    return handleDefinitionCommand(
      this.repository,
      id,
      async () => ({
        type: 'DeleteDefinition',
        data: { id, now: new Date().toISOString(), by: context.actor ?? 'anonymous' },
      }),
      context,
    );
  }
}
