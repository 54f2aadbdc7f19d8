import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryDefinitions } from '../../../test/fakes/in-memory-definitions.js';
import { InMemoryRegistryEntities } from '../../../test/fakes/in-memory-registry-entities.js';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import {
  EntityNotFoundError,
  EntityTypeNotActiveError,
  EntityTypeNotFoundError,
  EntityValidationError,
  EntityVersionConflictError,
} from '../../entity/registry-entity/registry-entity.errors.js';
import { ActivateDefinitionCommand } from '../activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../activate-definition/activate-definition.use-case.js';
import { CreateDefinitionCommand } from '../create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../create-definition/create-definition.use-case.js';
import { CreateEntityCommand } from '../create-entity/create-entity.command.js';
import { CreateEntityUseCase } from '../create-entity/create-entity.use-case.js';
import { DeactivateDefinitionCommand } from '../deactivate-definition/deactivate-definition.command.js';
import { DeactivateDefinitionUseCase } from '../deactivate-definition/deactivate-definition.use-case.js';
import { DeleteEntityCommand } from '../delete-entity/delete-entity.command.js';
import { DeleteEntityUseCase } from '../delete-entity/delete-entity.use-case.js';
import { ModifyDefinitionCommand } from '../modify-definition/modify-definition.command.js';
import { ModifyDefinitionUseCase } from '../modify-definition/modify-definition.use-case.js';
import { UpdateEntityCommand } from './update-entity.command.js';
import { UpdateEntityUseCase } from './update-entity.use-case.js';

const ctx = { actor: 'admin-1' };
const pet = {
  title: 'Pet',
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
};

let definitions: InMemoryDefinitions;
let entities: InMemoryRegistryEntities;
let ids: number;
let create: CreateEntityUseCase;
let update: UpdateEntityUseCase;

beforeEach(async () => {
  definitions = new InMemoryDefinitions();
  entities = new InMemoryRegistryEntities();
  ids = 0;
  create = new CreateEntityUseCase(definitions, entities, {
    next: () => `0193a0b4-0000-7000-8000-00000000000${++ids}`,
  });
  update = new UpdateEntityUseCase(definitions, entities);
  await new CreateDefinitionUseCase(definitions).execute(new CreateDefinitionCommand(pet, ctx));
  await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(definitionIdOf('Pet'), ctx));
});

describe('entity use cases', () => {
  it('creates an entity of an active type (any spelling of the title), recording the definition id and version', async () => {
    const state = await create.execute(new CreateEntityCommand('pet', { name: 'Rex' }, false, ctx));
    expect(state).toMatchObject({
      status: 'active',
      type: 'Pet',
      definitionId: definitionIdOf('Pet'),
      definitionVersion: 1,
      version: 1,
      body: { name: 'Rex' },
    });
    const invited = await create.execute(new CreateEntityCommand('Pet', { name: 'Tom' }, true, ctx));
    expect(invited).toMatchObject({ status: 'invited', version: 1 });
  });

  it('refuses an unknown type (404), an inactive type (409) and an invalid body (400), storing nothing', async () => {
    await expect(create.execute(new CreateEntityCommand('Dragon', { name: 'x' }, false, ctx))).rejects.toBeInstanceOf(
      EntityTypeNotFoundError,
    );
    await new CreateDefinitionUseCase(definitions).execute(new CreateDefinitionCommand({ ...pet, title: 'Cat' }, ctx));
    await expect(create.execute(new CreateEntityCommand('Cat', { name: 'x' }, false, ctx))).rejects.toMatchObject({
      constructor: EntityTypeNotActiveError,
      status: 'draft',
    });
    await expect(create.execute(new CreateEntityCommand('Pet', { age: -1 }, false, ctx))).rejects.toMatchObject({
      constructor: EntityValidationError,
      issues: [
        { pointer: '/name', keyword: 'required', message: "must have required property 'name'" },
        { pointer: '/age', keyword: 'minimum', message: 'must be >= 0' },
      ],
    });
    await new DeactivateDefinitionUseCase(definitions).execute(
      new DeactivateDefinitionCommand(definitionIdOf('Pet'), ctx),
    );
    await expect(create.execute(new CreateEntityCommand('Pet', { name: 'x' }, false, ctx))).rejects.toMatchObject({
      status: 'deactivated',
    });
    expect(entities.saves).toBe(0);
  });

  it('validates against the serving version while a revision is pending, and against the new one once activated', async () => {
    const v2 = { ...pet, required: ['name', 'age'] };
    await new ModifyDefinitionUseCase(definitions).execute(new ModifyDefinitionCommand(definitionIdOf('Pet'), v2, ctx));
    expect(await create.execute(new CreateEntityCommand('Pet', { name: 'Rex' }, false, ctx))).toMatchObject({
      definitionVersion: 1,
    });
    await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(definitionIdOf('Pet'), ctx));
    await expect(create.execute(new CreateEntityCommand('Pet', { name: 'Rex' }, false, ctx))).rejects.toBeInstanceOf(
      EntityValidationError,
    );
    const patched = await update.execute(
      new UpdateEntityCommand('Pet', '0193a0b4-0000-7000-8000-000000000001', 'merge-patch', { age: 3 }, 1, ctx),
    );
    expect(patched).toMatchObject({ version: 2, definitionVersion: 2, body: { name: 'Rex', age: 3 } });
  });

  it('advances the version on every change and refuses a stale If-Match (412)', async () => {
    const { id } = (await create.execute(new CreateEntityCommand('Pet', { name: 'Rex' }, false, ctx))) as {
      id: string;
    };
    await update.execute(new UpdateEntityCommand('Pet', id, 'merge-patch', { age: 1 }, 1, ctx));
    await update.execute(new UpdateEntityCommand('Pet', id, 'replace', { name: 'Rex', age: 2 }, 2, ctx));
    expect((await entities.load(id)).state).toMatchObject({ version: 3, body: { name: 'Rex', age: 2 } });
    await expect(
      update.execute(new UpdateEntityCommand('Pet', id, 'merge-patch', { age: 9 }, 2, ctx)),
    ).rejects.toMatchObject({
      constructor: EntityVersionConflictError,
      expected: 2,
      actual: 3,
    });
  });

  it('decides again after a concurrent write: without If-Match the patch applies on top, with a stale one it is 412', async () => {
    const { id } = (await create.execute(new CreateEntityCommand('Pet', { name: 'Rex' }, false, ctx))) as {
      id: string;
    };
    const theirs = {
      type: 'EntityUpdated' as const,
      data: {
        id,
        version: 2,
        at: 't',
        by: 'other',
        type: 'Pet',
        definitionId: definitionIdOf('Pet'),
        definitionVersion: 1,
        body: { name: 'Max' },
        changed: ['/name'],
      },
    };
    entities.interleave = [{ id, events: [theirs] }];
    expect(
      await update.execute(new UpdateEntityCommand('Pet', id, 'merge-patch', { age: 4 }, undefined, ctx)),
    ).toMatchObject({
      version: 3,
      body: { name: 'Max', age: 4 },
    });
    entities.interleave = [{ id, events: [{ ...theirs, data: { ...theirs.data, version: 4 } }] }];
    await expect(
      update.execute(new UpdateEntityCommand('Pet', id, 'merge-patch', { age: 5 }, 3, ctx)),
    ).rejects.toBeInstanceOf(EntityVersionConflictError);
  });

  it("refuses PUT and PATCH on an entity of a deactivated type with 409 naming the status, changing nothing (Daksha's ModifyEntityCmd never checks that the definition is Active)", async () => {
    const { id } = (await create.execute(new CreateEntityCommand('Pet', { name: 'Rex' }, false, ctx))) as {
      id: string;
    };
    await new DeactivateDefinitionUseCase(definitions).execute(
      new DeactivateDefinitionCommand(definitionIdOf('Pet'), ctx),
    );
    for (const [mode, document] of [
      ['replace', { name: 'Rex', age: 2 }],
      ['merge-patch', { age: 2 }],
    ] as const) {
      await expect(update.execute(new UpdateEntityCommand('Pet', id, mode, document, 1, ctx))).rejects.toMatchObject({
        constructor: EntityTypeNotActiveError,
        status: 'deactivated',
        message: expect.stringContaining('deactivated'),
      });
    }
    expect((await entities.load(id)).state).toMatchObject({ version: 1, body: { name: 'Rex' } });
  });

  it("validates an entity of a 2020-12 type by 2020-12 rules — prefixItems, items: false — not draft-07's (Daksha validates every entity with jsonschema::draft7 whatever $schema says)", async () => {
    const pair = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Pair',
      type: 'object',
      required: ['pair'],
      properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false } },
    };
    await new CreateDefinitionUseCase(definitions).execute(new CreateDefinitionCommand(pair, ctx));
    await new ActivateDefinitionUseCase(definitions).execute(
      new ActivateDefinitionCommand(definitionIdOf('Pair'), ctx),
    );
    // Under draft-07, prefixItems means nothing and `items: false` refuses every item: ['a', 1] would fail.
    expect(await create.execute(new CreateEntityCommand('Pair', { pair: ['a', 1] }, false, ctx))).toMatchObject({
      status: 'active',
      body: { pair: ['a', 1] },
    });
    await expect(
      create.execute(new CreateEntityCommand('Pair', { pair: ['a', 'b'] }, false, ctx)),
    ).rejects.toMatchObject({
      constructor: EntityValidationError,
      issues: [expect.objectContaining({ pointer: '/pair/1', keyword: 'type' })],
    });
    await expect(
      create.execute(new CreateEntityCommand('Pair', { pair: ['a', 1, 2] }, false, ctx)),
    ).rejects.toMatchObject({
      constructor: EntityValidationError,
      issues: [expect.objectContaining({ pointer: '/pair', keyword: 'items' })],
    });
  });

  it('deletes once: then reads, changes and a second delete are 404', async () => {
    const { id } = (await create.execute(new CreateEntityCommand('Pet', { name: 'Rex' }, false, ctx))) as {
      id: string;
    };
    const remove = new DeleteEntityUseCase(entities, definitions);
    expect(await remove.execute(new DeleteEntityCommand('PET', id, undefined, ctx))).toMatchObject({
      status: 'deleted',
      version: 2,
    });
    await expect(remove.execute(new DeleteEntityCommand('Pet', id, undefined, ctx))).rejects.toBeInstanceOf(
      EntityNotFoundError,
    );
    await expect(
      update.execute(new UpdateEntityCommand('Pet', id, 'merge-patch', { age: 1 }, undefined, ctx)),
    ).rejects.toBeInstanceOf(EntityNotFoundError);
  });
});
