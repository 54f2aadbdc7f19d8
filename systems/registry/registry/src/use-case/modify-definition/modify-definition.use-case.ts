import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DefinitionState } from '../../entity/definition/definition.state.js';
import { handleDefinitionCommand } from '../handle-definition-command.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { ModifyDefinitionCommand } from './modify-definition.command.js';

/**
 * Adds a version to a definition, in draft; an active version keeps serving until this one is activated.
 * @throws InvalidDefinitionDocumentError (400), DefinitionNotFoundError (404),
 *   DefinitionTitleImmutableError (409), DefinitionTransitionNotAllowedError (409)
 */
@CommandHandler(ModifyDefinitionCommand)
export class ModifyDefinitionUseCase implements ICommandHandler<
  ModifyDefinitionCommand,
  { state: DefinitionState; version: number }
> {
  constructor(@Inject(DEFINITION_REPOSITORY) private readonly repository: DefinitionRepositoryPort) {}

  execute({ id, schema, context }: ModifyDefinitionCommand) {
    return handleDefinitionCommand(
      this.repository,
      id,
      async () => ({
        type: 'ModifyDefinition',
        data: { id, schema, now: new Date().toISOString(), by: context.actor ?? 'anonymous' },
      }),
      context,
    );
  }
}
