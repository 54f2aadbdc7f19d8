import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { checkDefinitionDocument } from '../../entity/definition/definition-schema.js';
import { InvalidDefinitionDocumentError } from '../../entity/definition/definition.errors.js';
import { handleDefinitionCommand } from '../handle-definition-command.js';
import { DEFINITION_REPOSITORY, type DefinitionRepositoryPort } from '../port/definition.repository.port.js';
import { CreateDefinitionCommand } from './create-definition.command.js';

/** What create_def answers (Daksha-RC's `{id, message}`), plus the title as stored. */
export interface DefinitionCreated {
  readonly id: string;
  readonly title: string;
  readonly message: string;
}

/**
 * Publishes a definition as a draft, its id derived from its title (definitionIdOf), so a second
 * definition with the same title in any case or normalisation form finds the stream taken.
 * @throws InvalidDefinitionDocumentError (400), DefinitionAlreadyExistsError (409)
 */
@CommandHandler(CreateDefinitionCommand)
export class CreateDefinitionUseCase implements ICommandHandler<CreateDefinitionCommand, DefinitionCreated> {
  constructor(@Inject(DEFINITION_REPOSITORY) private readonly repository: DefinitionRepositoryPort) {}

  async execute({ schema, context }: CreateDefinitionCommand): Promise<DefinitionCreated> {
    const checked = checkDefinitionDocument(schema);
    if (!checked.ok) throw new InvalidDefinitionDocumentError(checked.problems);
    const id = definitionIdOf(checked.title);
    await handleDefinitionCommand(
      this.repository,
      id,
      async () => ({
        type: 'CreateDefinition',
        data: { id, schema, now: new Date().toISOString(), by: context.actor ?? 'anonymous' },
      }),
      context,
    );
    return { id, title: checked.title, message: `definition ${checked.title} created as a draft` };
  }
}
