import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InMemoryDefinitions } from '../../../test/fakes/in-memory-definitions.js';
import { servingVersion } from '../../entity/definition/definition.state.js';
import { DefinitionNotValidError } from '../../entity/definition/definition.errors.js';
import { CreateDefinitionCommand } from '../create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../create-definition/create-definition.use-case.js';
import { ModifyDefinitionCommand } from '../modify-definition/modify-definition.command.js';
import { ModifyDefinitionUseCase } from '../modify-definition/modify-definition.use-case.js';
import { ValidateDefinitionCommand } from '../validate-definition/validate-definition.command.js';
import { ValidateDefinitionUseCase } from '../validate-definition/validate-definition.use-case.js';
import { ActivateDefinitionCommand } from './activate-definition.command.js';
import { ActivateDefinitionUseCase } from './activate-definition.use-case.js';

const fixtures = new URL('../../../test/fixtures/daksha-rc/definitions-cli/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8')) as Record<string, unknown>;
const context = { actor: 'admin-1' };

describe('ActivateDefinitionUseCase', () => {
  it("activates Daksha's Teacher only once the Common definition its $refs name exists (looked up for the decider)", async () => {
    const definitions = new InMemoryDefinitions();
    const create = new CreateDefinitionUseCase(definitions);
    const activate = new ActivateDefinitionUseCase(definitions);
    const { id } = await create.execute(new CreateDefinitionCommand(fixture('Teacher.json'), context));

    const refused = activate.execute(new ActivateDefinitionCommand(id, context));
    await expect(refused).rejects.toBeInstanceOf(DefinitionNotValidError);
    await expect(refused).rejects.toMatchObject({
      problems: [{ pointer: '', message: '$ref to "Common.json" names no known schema' }],
    });
    expect(definitions.types(id)).toEqual(['DefCreated']);

    await create.execute(new CreateDefinitionCommand(fixture('Common.json'), context));
    const { state } = await activate.execute(new ActivateDefinitionCommand(id, context));
    expect(state).toMatchObject({ status: 'active', version: 1 });
    expect(definitions.types(id)).toEqual(['DefCreated', 'DefValidated', 'DefActivated']);
  });

  it('records a failed validation as a status with the problems, then activation is refused', async () => {
    const definitions = new InMemoryDefinitions();
    const schema = {
      title: 'Pet',
      type: 'object',
      properties: { name: { type: 'string' } },
      _osConfig: { privateFields: ['$.chip'] },
    };
    const { id } = await new CreateDefinitionUseCase(definitions).execute(new CreateDefinitionCommand(schema, context));
    const { state } = await new ValidateDefinitionUseCase(definitions).execute(
      new ValidateDefinitionCommand(id, context),
    );
    expect(state).toMatchObject({
      status: 'invalid',
      problems: [{ pointer: '/_osConfig/privateFields/0', message: '"$.chip" names no property of the entity' }],
    });
    await expect(
      new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(id, context)),
    ).rejects.toBeInstanceOf(DefinitionNotValidError);
  });

  it('keeps version 1 serving while a concurrent revision lands: decided again, then version 2 is the one activated', async () => {
    const definitions = new InMemoryDefinitions();
    const v1 = { title: 'Pet', type: 'object', properties: { name: { type: 'string' } } };
    const v2 = { ...v1, properties: { ...v1.properties, age: { type: 'integer' } } };
    const { id } = await new CreateDefinitionUseCase(definitions).execute(new CreateDefinitionCommand(v1, context));
    await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(id, context));
    await new ModifyDefinitionUseCase(definitions).execute(new ModifyDefinitionCommand(id, v2, context));
    expect(servingVersion((await definitions.load(id)).state)).toEqual({ version: 1, schema: v1 });

    const { state } = await new ActivateDefinitionUseCase(definitions).execute(
      new ActivateDefinitionCommand(id, context),
    );
    expect(servingVersion(state)).toEqual({ version: 2, schema: v2 });
  });
});
