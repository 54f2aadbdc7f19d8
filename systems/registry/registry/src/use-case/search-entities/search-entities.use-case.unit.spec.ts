import { describe, expect, it } from 'vitest';
import { InMemoryDefinitions } from '../../../test/fakes/in-memory-definitions.js';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import type { SearchQuery } from '../../entity/search/search-query.js';
import { ActivateDefinitionCommand } from '../activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../activate-definition/activate-definition.use-case.js';
import { CreateDefinitionCommand } from '../create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../create-definition/create-definition.use-case.js';
import type { EntitySearchPort } from '../port/entity-search.port.js';
import { SearchEntitiesQuery } from './search-entities.query.js';
import { SearchEntitiesUseCase } from './search-entities.use-case.js';

const ctx = { actor: 'admin-1' };
const admin = { id: 'admin-1', roles: ['admin'] };

describe('search entities of a Sunbird RC wrapper type', () => {
  it("searches inside a wrapper whose name holds '~' (content pointer /Pet~0Shop: the read model is asked for 'Pet~Shop', not the escaped token)", async () => {
    const definitions = new InMemoryDefinitions();
    const wrapped = {
      title: 'PetShop',
      type: 'object',
      properties: { 'Pet~Shop': { $ref: '#/definitions/Pet~Shop' } },
      definitions: { 'Pet~Shop': { type: 'object', properties: { name: { type: 'string' } } } },
    };
    await new CreateDefinitionUseCase(definitions).execute(new CreateDefinitionCommand(wrapped, ctx));
    await new ActivateDefinitionUseCase(definitions).execute(
      new ActivateDefinitionCommand(definitionIdOf('PetShop'), ctx),
    );
    const asked: { query: SearchQuery; contentPath: readonly string[] }[] = [];
    const body = { 'Pet~Shop': { name: 'Paws' } };
    const search = {
      search: async (_definitionId: string, query: SearchQuery, contentPath: readonly string[]) => {
        asked.push({ query, contentPath });
        return { totalCount: 1, items: [{ id: 'e-1', version: 1, status: 'active', body }] };
      },
    } as unknown as EntitySearchPort;
    const page = await new SearchEntitiesUseCase(definitions, search).execute(
      new SearchEntitiesQuery('PetShop', { filters: { name: { eq: 'Paws' } } }, admin),
    );
    expect(asked).toHaveLength(1);
    expect(asked[0]!.contentPath).toEqual(['Pet~Shop']);
    expect(page).toMatchObject({ totalCount: 1, items: [{ id: 'e-1', body }] });
  });
});
