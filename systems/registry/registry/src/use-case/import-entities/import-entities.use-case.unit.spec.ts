import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryDefinitions } from '../../../test/fakes/in-memory-definitions.js';
import { InMemoryRegistryEntities } from '../../../test/fakes/in-memory-registry-entities.js';
import { definitionIdOf } from '../../entity/definition/definition-id.js';
import {
  ImportEmptyError,
  ImportTooLargeError,
  ImportUnreadableError,
  MAX_IMPORT_ROWS,
} from '../../entity/registry-entity/entity-import.js';
import { EntityTypeNotFoundError } from '../../entity/registry-entity/registry-entity.errors.js';
import { ActivateDefinitionCommand } from '../activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../activate-definition/activate-definition.use-case.js';
import { CreateDefinitionCommand } from '../create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../create-definition/create-definition.use-case.js';
import { CreateEntityUseCase } from '../create-entity/create-entity.use-case.js';
import { ImportEntitiesCommand, type ImportRow } from './import-entities.command.js';
import { ImportEntitiesUseCase } from './import-entities.use-case.js';

const ctx = { actor: 'admin-1' };
const pet = {
  title: 'Pet',
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 0 },
    owner: { type: 'object', properties: { city: { type: 'string' } } },
  },
  additionalProperties: false,
};

let definitions: InMemoryDefinitions;
let entities: InMemoryRegistryEntities;
let importer: ImportEntitiesUseCase;
let ids = 0;

beforeEach(async () => {
  definitions = new InMemoryDefinitions();
  entities = new InMemoryRegistryEntities();
  const create = new CreateEntityUseCase(definitions, entities, {
    next: () => `0193a0b4-0000-7000-8000-${String(++ids).padStart(12, '0')}`,
  });
  importer = new ImportEntitiesUseCase(definitions, create);
  await new CreateDefinitionUseCase(definitions).execute(new CreateDefinitionCommand(pet, ctx));
  await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(definitionIdOf('Pet'), ctx));
});

const run = (rows: ImportRow[], header?: string[]) =>
  importer.execute(new ImportEntitiesCommand('pet', rows, header, ctx));

describe('bulk import', () => {
  it('creates the good rows and reports each bad one by line and JSON Pointer, writing nothing for it', async () => {
    const result = await run([
      { line: 1, json: { name: 'Rex', age: 3 } },
      { line: 2, json: { age: -1 } },
      { line: 4, unreadable: 'the line is not JSON' },
      { line: 5, json: { name: 'Tom' } },
    ]);
    expect(result).toMatchObject({ type: 'Pet', total: 4, created: 2, failed: 2, skipped: 0 });
    expect(result.results.map((r) => [r.line, r.status])).toEqual([
      [1, 'created'],
      [2, 'failed'],
      [4, 'failed'],
      [5, 'created'],
    ]);
    expect(result.results[1]).toMatchObject({ code: 'ENTITY.INVALID' });
    const pointers = (result.results[1] as { readonly errors: readonly { pointer: string }[] }).errors
      .map((e) => e.pointer)
      .sort();
    expect(pointers).toEqual(['/age', '/name']);
    expect(result.results[2]).toMatchObject({ code: 'ENTITY.IMPORT_ROW_UNREADABLE', detail: 'the line is not JSON' });
    // Exactly the two good rows became streams, each one created event.
    expect([...entities.streams.values()].map((events) => events.map((e) => e.type))).toEqual([
      ['EntityCreated'],
      ['EntityCreated'],
    ]);
  });

  it('types CSV cells by the schema and nests dotted columns', async () => {
    const result = await run(
      [
        { line: 2, cells: ['Rex', '3', 'Pune'] },
        { line: 3, cells: ['Tom', 'three', ''] },
      ],
      ['name', 'age', 'owner.city'],
    );
    expect(result.created).toBe(1);
    const [created] = [...entities.streams.values()];
    expect(created![0]!.data).toMatchObject({ body: { name: 'Rex', age: 3, owner: { city: 'Pune' } } });
    expect(result.results[1]).toMatchObject({ line: 3, status: 'failed', code: 'ENTITY.INVALID' });
  });

  it('after a temporary failure skips the rest, so the caller knows which lines to send again', async () => {
    let saves = 0;
    const save = entities.save.bind(entities);
    entities.save = async (...args) => {
      if (++saves === 2) throw new Error('connection terminated');
      return save(...args);
    };
    const result = await run([1, 2, 3].map((line) => ({ line, json: { name: `P${line}` } })));
    expect(result.results.map((r) => [r.line, r.status, 'code' in r ? r.code : undefined])).toEqual([
      [1, 'created', undefined],
      [2, 'failed', 'ENTITY.IMPORT_STOPPED'],
      [3, 'skipped', 'ENTITY.IMPORT_STOPPED'],
    ]);
    expect(entities.streams.size).toBe(1);
  });

  it('refuses the whole file when empty, too long, with a bad header or of an unknown type, writing nothing', async () => {
    await expect(run([])).rejects.toBeInstanceOf(ImportEmptyError);
    const many = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => ({ line: i + 1, json: { name: 'x' } }));
    await expect(run(many)).rejects.toBeInstanceOf(ImportTooLargeError);
    await expect(run([{ line: 2, cells: ['x'] }], ['name', 'name'])).rejects.toBeInstanceOf(ImportUnreadableError);
    await expect(
      importer.execute(new ImportEntitiesCommand('Dragon', [{ line: 1, json: { name: 'x' } }], undefined, ctx)),
    ).rejects.toBeInstanceOf(EntityTypeNotFoundError);
    expect(entities.streams.size).toBe(0);
  });
});
