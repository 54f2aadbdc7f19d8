import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryDefinitions } from '../../../test/fakes/in-memory-definitions.js';
import { InMemoryRegistryEntities } from '../../../test/fakes/in-memory-registry-entities.js';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import type { EntityCaller } from '../../entity/registry-entity/field-access.js';
import {
  EntityCreateForbiddenError,
  EntityFieldWriteForbiddenError,
  EntityNotFoundError,
  EntityOwnershipChangeForbiddenError,
  EntityWriteUnauthenticatedError,
} from '../../entity/registry-entity/registry-entity.errors.js';
import { ActivateDefinitionCommand } from '../activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../activate-definition/activate-definition.use-case.js';
import { CreateDefinitionCommand } from '../create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../create-definition/create-definition.use-case.js';
import { CreateEntityCommand } from '../create-entity/create-entity.command.js';
import { CreateEntityUseCase } from '../create-entity/create-entity.use-case.js';
import { DeleteEntityCommand } from '../delete-entity/delete-entity.command.js';
import { DeleteEntityUseCase } from '../delete-entity/delete-entity.use-case.js';
import { UpdateEntityCommand } from './update-entity.command.js';
import { UpdateEntityUseCase } from './update-entity.use-case.js';

// Who may write entities (issue 14 §5), through the use cases on in-memory repositories.
const ctx = { actor: 'tester' };
const clerk: EntityCaller = { id: 'u-clerk', roles: ['clerk'] };
const ashaById: EntityCaller = { id: 'u-asha', roles: ['customer'] };
const ashaByEmail: EntityCaller = { id: 'u-asha-2', roles: ['customer'], email: 'ASHA@example.com' };
const ravi: EntityCaller = { id: 'u-ravi', roles: ['customer'], email: 'ravi@example.com' };
const anonymous: EntityCaller = { id: 'anonymous', roles: [], authenticated: false };

let definitions: InMemoryDefinitions;
let create: CreateEntityUseCase;
let update: UpdateEntityUseCase;
let remove: DeleteEntityUseCase;
let ids: number;

async function publish(schema: object): Promise<void> {
  await new CreateDefinitionUseCase(definitions).execute(new CreateDefinitionCommand(schema, ctx));
  const id = definitionIdOf((schema as { title: string }).title);
  await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(id, ctx));
}

beforeEach(async () => {
  definitions = new InMemoryDefinitions();
  const entities = new InMemoryRegistryEntities();
  ids = 0;
  create = new CreateEntityUseCase(definitions, entities, {
    next: () => `0193a0b4-0000-7000-8000-0000000000${String(++ids).padStart(2, '0')}`,
  });
  update = new UpdateEntityUseCase(definitions, entities);
  remove = new DeleteEntityUseCase(entities, definitions);
  await publish({
    title: 'Tenant',
    type: 'object',
    properties: {
      name: { type: 'string' },
      email: { type: 'string' },
      userId: { type: 'string' },
      note: { type: 'string' },
    },
    _osConfig: {
      roles: ['clerk'],
      internalFields: ['$.note'],
      ownershipAttributes: [{ email: '/email', userId: '/userId' }],
    },
  });
  await publish({
    title: 'Notice',
    type: 'object',
    properties: { text: { type: 'string' } },
    _osConfig: { roles: ['anonymous'] },
  });
});

const tenant = async (body: object) => {
  const state = await create.execute(new CreateEntityCommand('Tenant', body, false, ctx, clerk));
  return state.status === 'absent' ? '' : state.id;
};
const patch = (id: string, body: object, caller: EntityCaller) =>
  update.execute(new UpdateEntityCommand('Tenant', id, 'merge-patch', body, undefined, ctx, caller));

describe('managers', () => {
  it('a holder of a custom role in _osConfig.roles creates, patches and deletes any entity', async () => {
    const id = await tenant({ name: 'A', email: 'a@example.com', note: 'n' });
    expect(await patch(id, { note: 'checked', email: 'b@example.com' }, clerk)).toMatchObject({
      version: 2,
      body: { note: 'checked', email: 'b@example.com' },
    });
    expect(await remove.execute(new DeleteEntityCommand('Tenant', id, undefined, ctx, clerk))).toMatchObject({
      status: 'deleted',
    });
  });

  it('others may not create: 403 with a token, 401 without', async () => {
    await expect(
      create.execute(new CreateEntityCommand('Tenant', { name: 'x' }, false, ctx, ravi)),
    ).rejects.toBeInstanceOf(EntityCreateForbiddenError);
    await expect(
      create.execute(new CreateEntityCommand('Tenant', { name: 'x' }, false, ctx, anonymous)),
    ).rejects.toBeInstanceOf(EntityWriteUnauthenticatedError);
  });

  it('anonymous in roles lets anyone create, write and delete without a token', async () => {
    const made = await create.execute(new CreateEntityCommand('Notice', { text: 'hi' }, false, ctx, anonymous));
    const id = made.status === 'absent' ? '' : made.id;
    const changed = await update.execute(
      new UpdateEntityCommand('Notice', id, 'replace', { text: 'bye' }, undefined, ctx, anonymous),
    );
    expect(changed).toMatchObject({ version: 2, body: { text: 'bye' } });
    await expect(
      remove.execute(new DeleteEntityCommand('Notice', id, undefined, ctx, anonymous)),
    ).resolves.toMatchObject({
      status: 'deleted',
    });
  });
});

describe('owners', () => {
  it('the owner by user id and the owner by e-mail (any case) patch their own entity', async () => {
    const byId = await tenant({ name: 'A', userId: 'u-asha' });
    expect(await patch(byId, { name: 'A2' }, ashaById)).toMatchObject({ body: { name: 'A2', userId: 'u-asha' } });
    const byEmail = await tenant({ name: 'B', email: 'asha@example.com' });
    expect(await patch(byEmail, { name: 'B2' }, ashaByEmail)).toMatchObject({ body: { name: 'B2' } });
  });

  it('anyone else gets 404, as for an unknown entity; without a token 401', async () => {
    const id = await tenant({ name: 'A', email: 'asha@example.com' });
    await expect(patch(id, { name: 'mine' }, ravi)).rejects.toBeInstanceOf(EntityNotFoundError);
    await expect(patch('0193a0b4-0000-7000-8000-0000000000ff', { name: 'x' }, ravi)).rejects.toBeInstanceOf(
      EntityNotFoundError,
    );
    await expect(remove.execute(new DeleteEntityCommand('Tenant', id, undefined, ctx, ravi))).rejects.toBeInstanceOf(
      EntityNotFoundError,
    );
    await expect(patch(id, { name: 'mine' }, anonymous)).rejects.toBeInstanceOf(EntityWriteUnauthenticatedError);
  });

  it('an owner may not change what makes them owner, nor write internal fields; a replace keeps those', async () => {
    const id = await tenant({ name: 'A', email: 'asha@example.com', note: 'vetted' });
    await expect(patch(id, { email: 'other@example.com' }, ashaByEmail)).rejects.toBeInstanceOf(
      EntityOwnershipChangeForbiddenError,
    );
    await expect(patch(id, { note: 'mine' }, ashaByEmail)).rejects.toBeInstanceOf(EntityFieldWriteForbiddenError);
    const replaced = await update.execute(
      new UpdateEntityCommand('Tenant', id, 'replace', { name: 'A3', email: 'asha@example.com' }, 1, ctx, ashaByEmail),
    );
    expect(replaced).toMatchObject({ version: 2, body: { name: 'A3', email: 'asha@example.com', note: 'vetted' } });
  });

  it('the owner deletes their own entity', async () => {
    const id = await tenant({ name: 'A', userId: 'u-asha' });
    await expect(
      remove.execute(new DeleteEntityCommand('Tenant', id, undefined, ctx, ashaById)),
    ).resolves.toMatchObject({
      status: 'deleted',
    });
  });
});
