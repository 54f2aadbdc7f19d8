import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@archipelago/testing-harness';
import { newKekJwk } from '../src/repository/crypto/key-encryption-keys.js';
import { migrateRegistry } from '../src/repository/registry.data-source.js';
import { RegistryInfrastructure } from '../src/repository/registry.infrastructure.js';
import { ActivateDefinitionCommand } from '../src/use-case/activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../src/use-case/activate-definition/activate-definition.use-case.js';
import { CreateDefinitionCommand } from '../src/use-case/create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../src/use-case/create-definition/create-definition.use-case.js';
import { CreateEntityCommand } from '../src/use-case/create-entity/create-entity.command.js';
import { CreateEntityUseCase } from '../src/use-case/create-entity/create-entity.use-case.js';
import type { CommandContext } from '../src/use-case/port/command-context.js';

/** The registry's infrastructure (not started) on a fresh database with one active type. */
export interface RegistryTestInfrastructure {
  readonly infrastructure: RegistryInfrastructure;
  /** The id of the type's definition (version 1, active). */
  readonly definitionId: string;
  /** Creates an entity of the type as `context`'s actor (an admin); returns its id. */
  create(body: object): Promise<string>;
  /** Closes the infrastructure and forgets the key-encryption key. */
  close(): Promise<void>;
}

/**
 * Migrates a fresh database (`database`: a name prefix), sets REGISTRY_KEKS to a new key, opens the
 * registry's infrastructure on the postgres transport without starting it (no background passes:
 * the test runs them), creates and activates the definition `schema` (its `title` is the type) and
 * catches the definition list up.
 */
export async function openRegistryWithType(
  database: string,
  schema: { readonly title: string } & object,
  context: CommandContext,
): Promise<RegistryTestInfrastructure> {
  const url = await createTestDatabase(database);
  await migrateRegistry(url, 'registry');
  process.env['REGISTRY_KEKS'] = JSON.stringify({ keys: [newKekJwk()] });
  const infrastructure = await RegistryInfrastructure.open({
    databaseUrl: url,
    schema: 'registry',
    transport: 'postgres',
  });
  const { id: definitionId } = await new CreateDefinitionUseCase(infrastructure.definitions).execute(
    new CreateDefinitionCommand(schema, context),
  );
  await new ActivateDefinitionUseCase(infrastructure.definitions).execute(
    new ActivateDefinitionCommand(definitionId, context),
  );
  await infrastructure.definitionProjectionRunner.catchUp();
  return {
    infrastructure,
    definitionId,
    async create(body) {
      const id = randomUUID();
      await new CreateEntityUseCase(infrastructure.definitions, infrastructure.entities, { next: () => id }).execute(
        new CreateEntityCommand(schema.title, body, false, context),
      );
      return id;
    },
    async close() {
      delete process.env['REGISTRY_KEKS'];
      await infrastructure.close();
    },
  };
}
