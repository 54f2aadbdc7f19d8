import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InvalidSearchQueryError } from '../../entity/search/search.errors.js';
import { EntityNotFoundError } from '../../entity/registry-entity/registry-entity.errors.js';
import { ActivateDefinitionCommand } from '../../use-case/activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../../use-case/activate-definition/activate-definition.use-case.js';
import { DeleteEntityCommand } from '../../use-case/delete-entity/delete-entity.command.js';
import { DeleteEntityUseCase } from '../../use-case/delete-entity/delete-entity.use-case.js';
import { GetEntityQuery } from '../../use-case/get-entity/get-entity.query.js';
import { GetEntityUseCase } from '../../use-case/get-entity/get-entity.use-case.js';
import { ModifyDefinitionCommand } from '../../use-case/modify-definition/modify-definition.command.js';
import { ModifyDefinitionUseCase } from '../../use-case/modify-definition/modify-definition.use-case.js';
import { SearchEntitiesQuery } from '../../use-case/search-entities/search-entities.query.js';
import { SearchEntitiesUseCase } from '../../use-case/search-entities/search-entities.use-case.js';
import { UpdateEntityCommand } from '../../use-case/update-entity/update-entity.command.js';
import { UpdateEntityUseCase } from '../../use-case/update-entity/update-entity.use-case.js';
import type { RegistryInfrastructure } from '../registry.infrastructure.js';
import { openRegistryWithType, type RegistryTestInfrastructure } from '../../../test/registry-test-infrastructure.js';
import { NewlyPrivateFieldSealer } from './newly-private.sealer.js';

// A field made private by a later definition version (issue 14 §5): entities written under v1
// (e-mail public) have their e-mail sealed at rest by the service itself once v2 (e-mail private)
// is active — events, search rows, unique claims and the outbox copies of integration events —
// while the owner still reads it and nobody else sees or searches it.
const admin = { actor: 'a0a0a0a0-0000-4000-8000-000000000001' };
const EMAIL_A = 'asha.newly-private@example.com';
const EMAIL_B = 'bala.newly-private@example.com';
const EMAIL_C = 'chitra.newly-private@example.com';
const NATIONAL_ID = 'NID-NEWLY-PRIVATE-4411';
const PHONE = '+91-98450-77123';
const EMAILS = [EMAIL_A, EMAIL_B, EMAIL_C, PHONE];

const schema = (privateFields: string[]) => ({
  title: 'Resident',
  required: ['name'],
  type: 'object',
  properties: {
    email: { type: 'string', maxLength: 320 },
    name: { type: 'string', minLength: 1 },
    nationalId: { type: 'string', pattern: '^NID-' },
    contacts: {
      items: { properties: { kind: { enum: ['home', 'work'] }, phone: { type: 'string' } }, type: 'object' },
      type: 'array',
    },
  },
  _osConfig: { privateFields, uniqueIndexFields: ['email'], ownershipAttributes: [{ email: '$.email' }] },
});

let registry: RegistryTestInfrastructure;
let infrastructure: RegistryInfrastructure;
let definitionId: string;

beforeAll(async () => {
  registry = await openRegistryWithType('registry_newly_private', schema(['$.nationalId']), admin);
  ({ infrastructure, definitionId } = registry);
}, 120_000);

afterAll(async () => {
  await registry?.close();
});

const create = (body: object) => registry.create(body);

/** Every row of the tables that hold entity data, as text. */
async function rawRows(): Promise<string> {
  let all = '';
  for (const table of ['events', 'entity_search', 'outbox', 'entity_unique_claim']) {
    const { rows } = await infrastructure.pool.query<{ t: string }>(`SELECT t::text AS t FROM "registry"."${table}" t`);
    expect(rows.length, table).toBeGreaterThan(0);
    all += rows.map((r) => r.t).join('\n');
  }
  return all;
}

describe('a field made private by a later definition version', () => {
  const ids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

  it('is in clear for v1 entities before v2 is active (the precondition)', async () => {
    ids.a = await create({ name: 'Asha', email: EMAIL_A, nationalId: NATIONAL_ID });
    await new UpdateEntityUseCase(infrastructure.definitions, infrastructure.entities).execute(
      new UpdateEntityCommand('Resident', ids.a, 'merge-patch', { name: 'Asha K' }, 1, admin),
    );
    ids.b = await create({
      name: 'Bala',
      email: EMAIL_B,
      contacts: [{ kind: 'home' }, { kind: 'work', phone: PHONE }],
    });
    ids.c = await create({ name: 'Chitra', email: EMAIL_C });
    await new DeleteEntityUseCase(infrastructure.entities, infrastructure.definitions).execute(
      new DeleteEntityCommand('Resident', ids.c, undefined, admin),
    );
    await infrastructure.entitySearchRunner.catchUp();
    const raw = await rawRows();
    for (const email of EMAILS) expect(raw).toContain(email);
    expect(raw).not.toContain(NATIONAL_ID);
  });

  it('is sealed at rest by the service after v2 is activated: events, search rows, claims, outbox', async () => {
    await new ModifyDefinitionUseCase(infrastructure.definitions).execute(
      new ModifyDefinitionCommand(definitionId, schema(['$.nationalId', '$.email', '$.contacts[*].phone']), admin),
    );
    await new ActivateDefinitionUseCase(infrastructure.definitions).execute(
      new ActivateDefinitionCommand(definitionId, admin),
    );
    await infrastructure.definitionProjectionRunner.catchUp();
    // The service's own schedule (as `start()` runs it): a pass at start, then on each change.
    const sealed: unknown[] = [];
    const sealer = new NewlyPrivateFieldSealer(
      infrastructure.pool,
      'registry',
      infrastructure.store,
      infrastructure.entities,
      { onSealed: (s) => sealed.push(s), intervalMs: 50 },
    );
    sealer.start();
    await vi.waitFor(() => expect(sealer.progress.passes).toBeGreaterThan(0), { timeout: 60_000, interval: 50 });
    await sealer.stop();
    expect(sealed).toEqual([
      expect.objectContaining({
        definitionId,
        activeVersion: 2,
        paths: { '1': ['$.email', '$.contacts[*].phone'] },
        entities: 3,
      }),
    ]);
    expect(sealer.progress).toMatchObject({ entities: 3, events: 4, pending: 0 });
    expect((sealed[0] as { messages: number }).messages).toBeGreaterThanOrEqual(3);

    const raw = await rawRows();
    for (const email of EMAILS) expect(raw).not.toContain(email);
    expect(raw).not.toContain(NATIONAL_ID);
    const { rows } = await infrastructure.pool.query<{ value: string }>(
      `SELECT value FROM "registry".entity_unique_claim WHERE entity_id = $1`,
      [ids.a],
    );
    expect(rows[0]!.value).toMatch(/^hmac-sha256:/);

    // Idempotent: a second pass finds nothing in clear; a rebuild of the read models brings none back.
    expect(await sealer.pass()).toEqual([]);
    expect(
      await infrastructure.entities.sealNewlyPrivate(
        definitionId,
        new Map([[1, { paths: ['$.email', '$.contacts[*].phone'], contentPointer: '' }]]),
      ),
    ).toEqual({ entities: 0, events: 0 });
    await infrastructure.entitySearchRunner.rebuild();
    const again = await rawRows();
    for (const email of EMAILS) expect(again).not.toContain(email);
  });

  it('still reads for the owner; others get 404, search answers without it and refuses to filter on it', async () => {
    const get = new GetEntityUseCase(infrastructure.definitions, infrastructure.entities);
    const owner = await get.execute(
      new GetEntityQuery('Resident', ids.a, { id: 'asha', email: EMAIL_A, emailVerified: true, roles: [] }),
    );
    expect(owner.body).toEqual({ name: 'Asha K', email: EMAIL_A, nationalId: NATIONAL_ID });
    await expect(
      get.execute(
        new GetEntityQuery('Resident', ids.a, { id: 'someone', email: EMAIL_B, emailVerified: true, roles: [] }),
      ),
    ).rejects.toBeInstanceOf(EntityNotFoundError);
    // Uniqueness still holds on the sealed value (its claim is now a keyed hash).
    await expect(create({ name: 'Copy', email: EMAIL_B })).rejects.toMatchObject({ code: 'ENTITY.UNIQUE_FIELD_TAKEN' });

    const search = new SearchEntitiesUseCase(infrastructure.definitions, infrastructure.entitySearch);
    const page = await search.execute(
      new SearchEntitiesQuery('Resident', { filters: { name: { startsWith: '' } } }, { id: 'admin', roles: ['admin'] }),
    );
    expect(page.items.map((i) => i.body).sort((x, y) => String(x['name']).localeCompare(String(y['name'])))).toEqual([
      { name: 'Asha K' },
      { name: 'Bala', contacts: [{ kind: 'home' }, { kind: 'work' }] },
    ]);
    const bala = await get.execute(
      new GetEntityQuery('Resident', ids.b, { id: 'bala', email: EMAIL_B, emailVerified: true, roles: [] }),
    );
    expect(bala.body).toEqual({
      name: 'Bala',
      email: EMAIL_B,
      contacts: [{ kind: 'home' }, { kind: 'work', phone: PHONE }],
    });
    await expect(
      search.execute(
        new SearchEntitiesQuery('Resident', { filters: { email: { eq: EMAIL_A } } }, { id: 'admin', roles: ['admin'] }),
      ),
    ).rejects.toBeInstanceOf(InvalidSearchQueryError);
  });
});
