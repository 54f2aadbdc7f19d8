import 'reflect-metadata';
import { ProjectionRunner, type Projection } from '@archipelago/platform-event-store';
import { registerMessagingMetrics } from '@archipelago/platform-messaging';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSearchQueryError } from '../entity/search/search.errors.js';
import { ActivateDefinitionCommand } from '../use-case/activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../use-case/activate-definition/activate-definition.use-case.js';
import { EntityActivationCommand } from '../use-case/entity-activation/entity-activation.command.js';
import { EntityActivationUseCase } from '../use-case/entity-activation/entity-activation.use-case.js';
import { ModifyDefinitionCommand } from '../use-case/modify-definition/modify-definition.command.js';
import { ModifyDefinitionUseCase } from '../use-case/modify-definition/modify-definition.use-case.js';
import { SearchEntitiesQuery } from '../use-case/search-entities/search-entities.query.js';
import {
  EntitySearchForbiddenError,
  SearchEntitiesUseCase,
} from '../use-case/search-entities/search-entities.use-case.js';
import { UpdateEntityCommand } from '../use-case/update-entity/update-entity.command.js';
import { UpdateEntityUseCase } from '../use-case/update-entity/update-entity.use-case.js';
import type { RegistryInfrastructure } from './registry.infrastructure.js';
import { openRegistryWithType, type RegistryTestInfrastructure } from '../../test/registry-test-infrastructure.js';
import { EntitySearchReshaper } from './search/entity-search-reshaper.js';

// The entity_search read model on real Postgres (issue 14 §4): rebuilt per type when a new
// definition version serves, rebuilt whole without an empty table, its lag metric, and
// deactivated entities in search.
const admin = { actor: 'a0a0a0a0-0000-4000-8000-000000000002' };
const manager = { id: 'admin-1', roles: ['admin'] };
const ENTITIES = 30;

/** v1: `nickname` private; v2: public (and indexed). */
const member = (privateFields: string[]) => ({
  title: 'Reshaped',
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, nickname: { type: 'string' } },
  _osConfig: { privateFields, indexFields: privateFields.length === 0 ? ['nickname'] : [] },
});

let registry: RegistryTestInfrastructure;
let infrastructure: RegistryInfrastructure;
let definitionId: string;
const ids: string[] = [];

beforeAll(async () => {
  registry = await openRegistryWithType('registry_entity_search_rebuild', member(['$.nickname']), admin);
  ({ infrastructure, definitionId } = registry);
}, 120_000);

afterAll(async () => {
  await registry?.close();
});

const create = (body: object) => registry.create(body);
const search = (body: object, reader: { id: string; roles: string[] } = manager) =>
  new SearchEntitiesUseCase(infrastructure.definitions, infrastructure.entitySearch).execute(
    new SearchEntitiesQuery('Reshaped', body, reader),
  );
const everything = { filters: { name: { startsWith: 'm' } }, limit: 100 };
const shapedBy = async () =>
  (
    await infrastructure.pool.query<{ shaped_by: number | null; n: number }>(
      `SELECT shaped_by, count(*)::int AS n FROM registry.entity_search WHERE definition_id = $1 GROUP BY shaped_by`,
      [definitionId],
    )
  ).rows;

describe('entity_search lag metric', () => {
  it('projection_lag_events{projection="entity_search"} counts what the projection has not applied, 0 after catch-up', async () => {
    const registry = new Registry();
    registerMessagingMetrics(registry, {
      messaging: infrastructure.messaging,
      projections: [infrastructure.entitySearchRunner],
    });
    const lag = async () => {
      const text = await registry.metrics();
      const line = text.split('\n').find((l) => l.startsWith('projection_lag_events{projection="entity_search"}'));
      return Number(line?.split(' ').at(-1));
    };
    await infrastructure.entitySearchRunner.catchUp();
    expect(await lag()).toBe(0);
    for (let i = 0; i < ENTITIES; i++)
      ids.push(await create({ name: `m${String(i).padStart(2, '0')}`, nickname: `nick-${i}` }));
    expect(await lag()).toBeGreaterThanOrEqual(ENTITIES);
    await infrastructure.entitySearchRunner.catchUp();
    expect(await lag()).toBe(0);
    expect((await search(everything)).totalCount).toBe(ENTITIES);
  });
});

describe('deactivated entities in search', () => {
  it('are found by managers, marked deactivated; non-managers may not search at all', async () => {
    await new EntityActivationUseCase(infrastructure.entities, infrastructure.definitions).execute(
      new EntityActivationCommand('DeactivateEntity', 'Reshaped', ids[0]!, undefined, admin),
    );
    await infrastructure.entitySearchRunner.catchUp();
    const page = await search({ filters: { name: { eq: 'm00' } } });
    expect(page.items).toEqual([expect.objectContaining({ id: ids[0], status: 'deactivated', body: { name: 'm00' } })]);
    expect((await search(everything)).items.filter((i) => i.status === 'active')).toHaveLength(ENTITIES - 1);
    await expect(search(everything, { id: 'someone', roles: [] })).rejects.toBeInstanceOf(EntitySearchForbiddenError);
  });
});

describe('a whole rebuild (ProjectionRunner.rebuild)', () => {
  it('replays in one transaction: searches issued during it see every entity, never an empty or partial table', async () => {
    const totals: number[] = [];
    let applied = 0;
    const projection = infrastructure.entitySearchProjection;
    // The real projection, searching (on another connection) every few events of the replay.
    const searching: Projection = {
      name: projection.name,
      reset: (client) => projection.reset(client),
      apply: async (client, event) => {
        if (applied++ % 5 === 0) totals.push((await search(everything)).totalCount);
        await projection.apply(client, event);
      },
    };
    const replayed = await new ProjectionRunner(infrastructure.pool, infrastructure.store, searching, {
      batchSize: 5,
    }).rebuild();
    expect(replayed).toBeGreaterThanOrEqual(ENTITIES);
    expect(totals.length).toBeGreaterThan(3);
    expect(new Set(totals)).toEqual(new Set([ENTITIES]));
    expect((await search(everything)).totalCount).toBe(ENTITIES);
    expect(await infrastructure.entitySearchRunner.lag()).toMatchObject({ behind: 0 });
  });
});

describe('activation of a version that makes a private field public', () => {
  it('rebuilds the type with the serving version: search by the field finds the earlier entities', async () => {
    // v1: nickname is private, so not searchable and not in the rows.
    await expect(search({ filters: { nickname: { eq: 'nick-7' } } })).rejects.toBeInstanceOf(InvalidSearchQueryError);
    expect(await shapedBy()).toEqual([{ shaped_by: 1, n: ENTITIES }]);

    await new ModifyDefinitionUseCase(infrastructure.definitions).execute(
      new ModifyDefinitionCommand(definitionId, member([]), admin),
    );
    await new ActivateDefinitionUseCase(infrastructure.definitions).execute(
      new ActivateDefinitionCommand(definitionId, admin),
    );
    await infrastructure.definitionProjectionRunner.catchUp();
    // Before the rebuild the v1 rows lack the field: the defect the rebuild mends.
    expect((await search({ filters: { nickname: { eq: 'nick-7' } } })).totalCount).toBe(0);

    // During the rebuild (after each staging batch) entities are written and searched.
    const during: { all: number; byNickname: number }[] = [];
    let created = '';
    // Staged in id order: the first batch holds it (not the deactivated ids[0], nor ids[7] searched below).
    const updated = ids.filter((id) => id !== ids[0] && id !== ids[7]).sort()[0]!;
    const reshaper = new EntitySearchReshaper(
      infrastructure.pool,
      'registry',
      infrastructure.store,
      infrastructure.entitySearchProjection,
      {
        batchSize: 7,
        onBatch: async (staged) => {
          if (staged === 7) {
            // Events that arrive during the rebuild: an update of a staged entity, a new entity.
            await new UpdateEntityUseCase(infrastructure.definitions, infrastructure.entities).execute(
              new UpdateEntityCommand('Reshaped', updated, 'merge-patch', { nickname: 'renamed' }, 1, admin),
            );
            created = await create({ name: 'm-new', nickname: 'nick-new' });
            await infrastructure.entitySearchRunner.catchUp();
          }
          during.push({
            all: (await search(everything)).totalCount,
            byNickname: (await search({ filters: { nickname: { eq: 'nick-7' } } })).totalCount,
          });
        },
      },
    );
    const [reshape] = await reshaper.pass();
    expect(reshape).toMatchObject({ definitionId, servingVersion: 2, staged: ENTITIES, swapped: ENTITIES - 1 });
    // Searches during the rebuild answered from the old rows: every entity, the v1 ones without nickname.
    expect(during.length).toBeGreaterThanOrEqual(4);
    for (const seen of during) expect(seen).toEqual({ all: ENTITIES + 1, byNickname: 0 });

    // After the swap the v1 entities are found by the field the serving version made public.
    const found = await search({ filters: { nickname: { eq: 'nick-7' } } });
    expect(found.items).toEqual([expect.objectContaining({ id: ids[7], body: { name: 'm07', nickname: 'nick-7' } })]);
    expect((await search({ filters: { nickname: { startsWith: 'nick-' } } })).totalCount).toBe(ENTITIES);
    // The update made during the rebuild is not undone by the older staged row; the new entity is there.
    expect((await search({ filters: { nickname: { eq: 'renamed' } } })).items.map((i) => i.id)).toEqual([updated]);
    expect((await search({ filters: { nickname: { eq: 'nick-new' } } })).items.map((i) => i.id)).toEqual([created]);
    expect(await shapedBy()).toEqual([{ shaped_by: 2, n: ENTITIES + 1 }]);
    // Nothing left: a second pass rebuilds nothing; the forced command rebuilds all, same rows.
    expect(await reshaper.pass()).toEqual([]);
    const [forced] = await infrastructure.searchReshaper.rebuild(definitionId);
    expect(forced).toMatchObject({ staged: ENTITIES + 1, swapped: ENTITIES + 1 });
    expect((await search({ filters: { nickname: { startsWith: 'nick-' } } })).totalCount).toBe(ENTITIES);
  });
});
