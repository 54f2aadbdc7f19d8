import { describe, expect, it } from 'vitest';
import { InMemoryDefinitions } from '../../../test/fakes/in-memory-definitions.js';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import {
  DefinitionAlreadyExistsError,
  InvalidDefinitionDocumentError,
} from '../../entity/definition/definition.errors.js';
import { CreateDefinitionCommand } from './create-definition.command.js';
import { CreateDefinitionUseCase } from './create-definition.use-case.js';

const student = { $schema: 'http://json-schema.org/draft-07/schema', title: 'Student', type: 'object' };
const context = { actor: 'admin-1' };

describe('CreateDefinitionUseCase', () => {
  it("stores a draft under the id Daksha-RC derives from the title, and answers Daksha's {id, message}", async () => {
    const definitions = new InMemoryDefinitions();
    const result = await new CreateDefinitionUseCase(definitions).execute(
      new CreateDefinitionCommand(student, context),
    );
    expect(result).toEqual({
      id: '1bd23c91-3379-b65b-11cc-64984050e35c',
      title: 'Student',
      message: expect.any(String),
    });
    expect(definitions.streams.get(result.id)).toEqual([
      {
        type: 'DefCreated',
        data: { id: result.id, title: 'Student', version: 1, schema: student, at: expect.any(String), by: 'admin-1' },
      },
    ]);
  });

  it('refuses the same title in another case or normalisation form (409)', async () => {
    const definitions = new InMemoryDefinitions();
    const useCase = new CreateDefinitionUseCase(definitions);
    await useCase.execute(new CreateDefinitionCommand({ ...student, title: 'Caf\u00e9' }, context));
    await expect(
      useCase.execute(new CreateDefinitionCommand({ ...student, title: ' CAFE\u0301 ' }, context)),
    ).rejects.toBeInstanceOf(DefinitionAlreadyExistsError);
    expect(definitions.streams.size).toBe(1);
  });

  it('refuses a body that is not a definition (400) and stores nothing', async () => {
    const definitions = new InMemoryDefinitions();
    const useCase = new CreateDefinitionUseCase(definitions);
    for (const body of [{ type: 'object' }, { title: '' }, 'Student', null, { title: 'X', type: 'thing' }]) {
      await expect(useCase.execute(new CreateDefinitionCommand(body, context))).rejects.toBeInstanceOf(
        InvalidDefinitionDocumentError,
      );
    }
    expect(definitions.saves).toBe(0);
  });

  it('loses cleanly to a concurrent create of the same title: decided again on fresh state, 409, one stream', async () => {
    const definitions = new InMemoryDefinitions();
    const id = definitionIdOf('Student');
    const theirs = {
      type: 'DefCreated' as const,
      data: { id, title: 'STUDENT', version: 1 as const, schema: student, at: 't', by: 'other' },
    };
    definitions.interleave = [{ id, events: [theirs] }];
    await expect(
      new CreateDefinitionUseCase(definitions).execute(new CreateDefinitionCommand(student, context)),
    ).rejects.toBeInstanceOf(DefinitionAlreadyExistsError);
    expect(definitions.streams.get(id)).toEqual([theirs]);
  });
});
