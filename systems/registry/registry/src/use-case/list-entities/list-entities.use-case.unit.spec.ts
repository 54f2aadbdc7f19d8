import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryDefinitions } from '../../../test/fakes/in-memory-definitions.js';
import { InMemoryRegistryEntities } from '../../../test/fakes/in-memory-registry-entities.js';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import { EntityTypeNotFoundError } from '../../entity/registry-entity/registry-entity.errors.js';
import { ActivateDefinitionCommand } from '../activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../activate-definition/activate-definition.use-case.js';
import { CreateDefinitionCommand } from '../create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../create-definition/create-definition.use-case.js';
import { CreateEntityCommand } from '../create-entity/create-entity.command.js';
import { CreateEntityUseCase } from '../create-entity/create-entity.use-case.js';
import { DeleteEntityCommand } from '../delete-entity/delete-entity.command.js';
import { DeleteEntityUseCase } from '../delete-entity/delete-entity.use-case.js';
import type { EntityOwnerFilter, EntitySearchPort } from '../port/entity-search.port.js';
import { ListEntitiesQuery } from './list-entities.query.js';
import { ListEntitiesUseCase } from './list-entities.use-case.js';

const ctx = { actor: 'admin-1' };
const pet = {
  title: 'Pet',
  type: 'object',
  properties: { name: { type: 'string' }, ownerEmail: { type: 'string' }, chip: { type: 'string' } },
  _osConfig: { privateFields: ['$.chip'], roles: ['vet'], ownershipAttributes: [{ email: '/ownerEmail' }] },
};

let entities: InMemoryRegistryEntities;
let definitions: InMemoryDefinitions;
let asked: EntityOwnerFilter[];
let list: ListEntitiesUseCase;
let ids: string[];

beforeEach(async () => {
  definitions = new InMemoryDefinitions();
  entities = new InMemoryRegistryEntities();
  asked = [];
  // The read model's part, faked: every entity id in the store, in id order (the owner filter is the adapter's).
  const search = {
    list: async (_definitionId: string, owner: EntityOwnerFilter, limit: number, offset: number) => {
      asked.push(owner);
      const all = [...entities.streams.keys()].sort();
      return { totalCount: all.length, ids: all.slice(offset, offset + limit) };
    },
  } as unknown as EntitySearchPort;
  list = new ListEntitiesUseCase(definitions, entities, search);
  await new CreateDefinitionUseCase(definitions).execute(new CreateDefinitionCommand(pet, ctx));
  await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(definitionIdOf('Pet'), ctx));
  let n = 0;
  const create = new CreateEntityUseCase(definitions, entities, {
    next: () => `0193a0b4-0000-7000-8000-00000000000${++n}`,
  });
  ids = [];
  for (const body of [
    { name: 'Rex', ownerEmail: 'ann@example.com', chip: 'CHIP-1' },
    { name: 'Tom', ownerEmail: 'bob@example.com', chip: 'CHIP-2' },
  ]) {
    const state = await create.execute(new CreateEntityCommand('Pet', body, false, ctx));
    if (state.status !== 'absent') ids.push(state.id);
  }
});

describe('list entities use case', () => {
  it("asks the read model for the reader's own entities, all for a manager, and shows each as a read by id", async () => {
    const ann = { id: 'ann-1', roles: ['customer'], email: 'Ann@Example.com' };
    const mine = await list.execute(new ListEntitiesQuery('pet', ann, 20, 0));
    expect(asked).toEqual([ann]);
    // Whatever the read model returns, an item the reader may not see is left out.
    expect(mine.items.map((i) => [i.id, i.body['chip']])).toEqual([[ids[0], 'CHIP-1']]);
    const vet = { id: 'vet-1', roles: ['vet'] };
    const all = await list.execute(new ListEntitiesQuery('Pet', vet, 20, 0));
    expect(asked[1]).toBe('all');
    expect(all.items.map((i) => i.id)).toEqual(ids);
  });

  it('leaves out an entity deleted since the read model saw it; an unknown type is 404', async () => {
    await new DeleteEntityUseCase(entities, definitions).execute(
      new DeleteEntityCommand('Pet', ids[0]!, undefined, ctx),
    );
    const page = await list.execute(new ListEntitiesQuery('Pet', { id: 'x', roles: ['admin'] }, 20, 0));
    expect(page.items.map((i) => i.id)).toEqual([ids[1]]);
    await expect(list.execute(new ListEntitiesQuery('Cat', { id: 'x', roles: [] }, 20, 0))).rejects.toBeInstanceOf(
      EntityTypeNotFoundError,
    );
  });
});
