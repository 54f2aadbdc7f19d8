import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { createTestDatabase } from '@archipelago/testing-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivateDefinitionUseCase } from '../use-case/activate-definition/activate-definition.use-case.js';
import { ActivateDefinitionCommand } from '../use-case/activate-definition/activate-definition.command.js';
import { CreateDefinitionCommand } from '../use-case/create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../use-case/create-definition/create-definition.use-case.js';
import { CreateEntityCommand } from '../use-case/create-entity/create-entity.command.js';
import { CreateEntityUseCase } from '../use-case/create-entity/create-entity.use-case.js';
import { DeleteEntityCommand } from '../use-case/delete-entity/delete-entity.command.js';
import { DeleteEntityUseCase } from '../use-case/delete-entity/delete-entity.use-case.js';
import { UniqueFieldTakenError } from '../use-case/port/registry-entity.repository.port.js';
import { UpdateEntityCommand } from '../use-case/update-entity/update-entity.command.js';
import { UpdateEntityUseCase } from '../use-case/update-entity/update-entity.use-case.js';
import { migrateRegistry } from './registry.data-source.js';
import { RegistryInfrastructure } from './registry.infrastructure.js';

// The entity repository on real Postgres, driven by the real use cases: unique-field claims in the
// transaction of the events (a race of 20 creates), integration events in the outbox without
// private or internal fields.
let infrastructure: RegistryInfrastructure;
const ctx = { actor: 'a0a0a0a0-0000-4000-8000-000000000001' };
const SECRET = 'AADHAAR-1234-5678';

beforeAll(async () => {
  const url = await createTestDatabase('registry_entities');
  await migrateRegistry(url, 'registry');
  infrastructure = await RegistryInfrastructure.open({ databaseUrl: url, schema: 'registry', transport: 'postgres' });
  const definitions = infrastructure.definitions;
  const { id } = await new CreateDefinitionUseCase(definitions).execute(
    new CreateDefinitionCommand(
      {
        title: 'Pupil',
        type: 'object',
        required: ['name', 'email'],
        properties: {
          name: { type: 'string' },
          email: { type: 'string' },
          nationalId: { type: 'string' },
          notes: { type: 'string' },
        },
        _osConfig: { privateFields: ['$.nationalId'], internalFields: ['$.notes'], uniqueIndexFields: ['email'] },
      },
      ctx,
    ),
  );
  await new ActivateDefinitionUseCase(definitions).execute(new ActivateDefinitionCommand(id, ctx));
}, 120_000);

afterAll(async () => {
  await infrastructure?.close();
});

const create = (body: unknown, id = randomUUID()) =>
  new CreateEntityUseCase(infrastructure.definitions, infrastructure.entities, { next: () => id }).execute(
    new CreateEntityCommand('Pupil', body, false, ctx),
  );
const outbox = async (key: string) =>
  (
    await infrastructure.pool.query<{ message_type: string; payload: Record<string, unknown> }>(
      `SELECT message_type, payload FROM "registry".outbox WHERE message_key = $1 ORDER BY position`,
      [key],
    )
  ).rows;

describe('RegistryEntityEventStoreRepository', () => {
  it('lets exactly one of 20 concurrent creates with the same unique value through; the others write nothing', async () => {
    const body = { name: 'Race', email: 'race@example.com' };
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => create(body)));
    const created = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(UniqueFieldTakenError);
    const streams = await infrastructure.pool.query(
      `SELECT count(DISTINCT stream_id)::int AS n FROM "registry".events e
        WHERE e.event_type = 'EntityCreated' AND e.data->'body'->>'email' = 'race@example.com'`,
    );
    expect(streams.rows[0].n).toBe(1);
  });

  it('frees the value when the entity changes it or is deleted', async () => {
    const id = randomUUID();
    await create({ name: 'Mover', email: 'old@example.com' }, id);
    await new UpdateEntityUseCase(infrastructure.definitions, infrastructure.entities).execute(
      new UpdateEntityCommand('Pupil', id, 'merge-patch', { email: 'new@example.com' }, 1, ctx),
    );
    await expect(create({ name: 'Taker', email: 'old@example.com' })).resolves.toMatchObject({ status: 'active' });
    await expect(create({ name: 'Clash', email: 'new@example.com' })).rejects.toBeInstanceOf(UniqueFieldTakenError);
    await new DeleteEntityUseCase(infrastructure.entities, infrastructure.definitions).execute(
      new DeleteEntityCommand('Pupil', id, undefined, ctx),
    );
    await expect(create({ name: 'After', email: 'new@example.com' })).resolves.toMatchObject({ status: 'active' });
  });

  it('publishes EntityCreatedV1, EntityUpdatedV1 and EntityDeletedV1 without private or internal fields', async () => {
    const id = randomUUID();
    await create({ name: 'Private', email: 'private@example.com', nationalId: SECRET, notes: 'internal' }, id);
    await new UpdateEntityUseCase(infrastructure.definitions, infrastructure.entities).execute(
      new UpdateEntityCommand('Pupil', id, 'merge-patch', { name: 'Renamed' }, undefined, ctx),
    );
    // A change to private and internal fields: the event names only the public one it touched.
    await new UpdateEntityUseCase(infrastructure.definitions, infrastructure.entities).execute(
      new UpdateEntityCommand('Pupil', id, 'merge-patch', { name: 'Again', nationalId: 'X-2', notes: 'n2' }, 2, ctx),
    );
    await new DeleteEntityUseCase(infrastructure.entities, infrastructure.definitions).execute(
      new DeleteEntityCommand('Pupil', id, 3, ctx),
    );
    const messages = await outbox(id);
    expect(messages.map((m) => m.message_type)).toEqual([
      REGISTRY_EVENTS.EntityCreatedV1.type,
      REGISTRY_EVENTS.EntityUpdatedV1.type,
      REGISTRY_EVENTS.EntityUpdatedV1.type,
      REGISTRY_EVENTS.EntityDeletedV1.type,
    ]);
    expect(REGISTRY_EVENTS.EntityCreatedV1.schema.parse(messages[0]!.payload)).toMatchObject({
      entityId: id,
      entityType: 'Pupil',
      version: 1,
      body: { name: 'Private', email: 'private@example.com' },
    });
    expect(REGISTRY_EVENTS.EntityUpdatedV1.schema.parse(messages[1]!.payload)).toMatchObject({
      version: 2,
      body: { name: 'Renamed', email: 'private@example.com' },
      changed: ['/name'],
    });
    expect(REGISTRY_EVENTS.EntityUpdatedV1.schema.parse(messages[2]!.payload)).toMatchObject({
      version: 3,
      body: { name: 'Again' },
      changed: ['/name'],
    });
    expect(REGISTRY_EVENTS.EntityDeletedV1.schema.parse(messages[3]!.payload)).toMatchObject({ version: 4 });
    for (const m of messages) {
      expect(JSON.stringify(m.payload)).not.toContain(SECRET);
      expect(JSON.stringify(m.payload)).not.toContain('internal');
    }
  });
});
