import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@archipelago/testing-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivateDefinitionCommand } from '../../use-case/activate-definition/activate-definition.command.js';
import { ActivateDefinitionUseCase } from '../../use-case/activate-definition/activate-definition.use-case.js';
import { CreateDefinitionCommand } from '../../use-case/create-definition/create-definition.command.js';
import { CreateDefinitionUseCase } from '../../use-case/create-definition/create-definition.use-case.js';
import { CreateEntityCommand } from '../../use-case/create-entity/create-entity.command.js';
import { CreateEntityUseCase } from '../../use-case/create-entity/create-entity.use-case.js';
import { DeleteEntityCommand } from '../../use-case/delete-entity/delete-entity.command.js';
import { DeleteEntityUseCase } from '../../use-case/delete-entity/delete-entity.use-case.js';
import { InviteEntityCommand } from '../../use-case/invite-entity/invite-entity.command.js';
import { InviteEntityUseCase } from '../../use-case/invite-entity/invite-entity.use-case.js';
import { UniqueFieldTakenError } from '../../use-case/port/registry-entity.repository.port.js';
import { UpdateEntityCommand } from '../../use-case/update-entity/update-entity.command.js';
import { UpdateEntityUseCase } from '../../use-case/update-entity/update-entity.use-case.js';
import { inTransaction } from '@archipelago/platform-event-store';
import { migrateRegistry } from '../registry.data-source.js';
import { RegistryInfrastructure } from '../registry.infrastructure.js';
import { EnvelopeOpenError } from './envelope.js';
import { newKekJwk } from './key-encryption-keys.js';

// Envelope encryption of private fields and crypto-shredding on real Postgres, through the real use
// cases: write, read (decrypted), update, erase (DELETE), replay the stream and rebuild the read
// models; every table of the service's schema is read raw after each step and never holds a
// private value in clear. Then a key-encryption key rotation re-wraps the data keys.
const ctx = { actor: 'a0a0a0a0-0000-4000-8000-000000000001' };
const NATIONAL_ID = 'NID-7Q4-ZEBRA-1903';
const NATIONAL_ID_2 = 'NID-8R5-OKAPI-2211';
const PHONE = '+91-98450-31337';
const EMAIL = 'kavya.secret-owner@example.com';
const LEGACY_LIVE = 'NID-LEGACY-LIVE-77';
const LEGACY_GONE = 'NID-LEGACY-GONE-88';
// The invitee's private e-mail: EntityInvitedV1 must carry it (the invitation goes there) until DELETE.
const INVITEE = 'ishaan.private-invitee@example.com';
const SECRETS = [NATIONAL_ID, NATIONAL_ID_2, PHONE, EMAIL, LEGACY_LIVE, LEGACY_GONE];
const oldKek = newKekJwk();
const newKek = newKekJwk();
let url: string;
let infrastructure: RegistryInfrastructure;

const open = async (keks: readonly object[]) => {
  process.env['REGISTRY_KEKS'] = JSON.stringify({ keys: keks });
  return RegistryInfrastructure.open({ databaseUrl: url, schema: 'registry', transport: 'postgres' });
};

beforeAll(async () => {
  url = await createTestDatabase('registry_crypto_shredding');
  await migrateRegistry(url, 'registry');
  infrastructure = await open([oldKek]);
  const { id } = await new CreateDefinitionUseCase(infrastructure.definitions).execute(
    new CreateDefinitionCommand(
      {
        title: 'Citizen',
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string' },
          email: { type: 'string' },
          nationalId: { type: 'string' },
          contacts: {
            type: 'array',
            items: { type: 'object', properties: { kind: { type: 'string' }, phone: { type: 'string' } } },
          },
        },
        _osConfig: {
          privateFields: ['$.nationalId', '$.email', '$.contacts[*].phone'],
          uniqueIndexFields: ['nationalId'],
          ownershipAttributes: [{ email: '$.email' }],
        },
      },
      ctx,
    ),
  );
  await new ActivateDefinitionUseCase(infrastructure.definitions).execute(new ActivateDefinitionCommand(id, ctx));
}, 120_000);

afterAll(async () => {
  delete process.env['REGISTRY_KEKS'];
  await infrastructure?.close();
});

const create = (body: unknown, id = randomUUID()) =>
  new CreateEntityUseCase(infrastructure.definitions, infrastructure.entities, { next: () => id }).execute(
    new CreateEntityCommand('Citizen', body, false, ctx),
  );

/** Every row of every table of the service's schema, as text. */
async function everything(): Promise<string> {
  const { rows: tables } = await infrastructure.pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'registry' AND table_type = 'BASE TABLE'`,
  );
  expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['events', 'outbox', 'entity_search']));
  let all = '';
  for (const { table_name } of tables) {
    const { rows } = await infrastructure.pool.query<{ t: string }>(
      `SELECT t::text AS t FROM "registry"."${table_name}" t`,
    );
    all += rows.map((r) => r.t).join('\n');
  }
  return all;
}

const expectNoSecretInClear = async () => {
  const raw = await everything();
  expect(raw.length).toBeGreaterThan(0);
  for (const secret of SECRETS) expect(raw).not.toContain(secret);
};

describe('private fields: envelope encryption and crypto-shredding', () => {
  const id = randomUUID();

  it('stores private fields only encrypted, and reads them back decrypted', async () => {
    await create(
      {
        name: 'Kavya',
        email: EMAIL,
        nationalId: NATIONAL_ID,
        contacts: [{ kind: 'home', phone: PHONE }, { kind: 'none' }],
      },
      id,
    );
    const { state } = await infrastructure.entities.load(id);
    expect(state).toMatchObject({
      status: 'active',
      body: {
        name: 'Kavya',
        email: EMAIL,
        nationalId: NATIONAL_ID,
        contacts: [{ kind: 'home', phone: PHONE }, { kind: 'none' }],
      },
    });
    const { rows } = await infrastructure.pool.query<{
      data: { body: object; sealed: { fields: string[]; value: string } };
    }>(`SELECT data FROM "registry".events WHERE stream_id = $1`, [`entity-${id}`]);
    expect(rows[0]!.data.body).toEqual({ name: 'Kavya', contacts: [{ kind: 'home' }, { kind: 'none' }] });
    expect(rows[0]!.data.sealed.fields.sort()).toEqual(['/contacts/0/phone', '/email', '/nationalId']);
    expect(rows[0]!.data.sealed.value).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    await infrastructure.entitySearchRunner.catchUp();
    await expectNoSecretInClear();
  });

  it('enforces uniqueness of a private field by keyed hash, never by the value in clear', async () => {
    await expect(create({ name: 'Copycat', nationalId: NATIONAL_ID })).rejects.toBeInstanceOf(UniqueFieldTakenError);
    const { rows } = await infrastructure.pool.query<{ value: string }>(
      `SELECT value FROM "registry".entity_unique_claim WHERE entity_id = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.value).toMatch(/^hmac-sha256:[\w-]{43}$/);
  });

  it('keeps an update encrypted, and lists the owner by the private e-mail (read model holds only its hash)', async () => {
    await new UpdateEntityUseCase(infrastructure.definitions, infrastructure.entities).execute(
      new UpdateEntityCommand('Citizen', id, 'merge-patch', { nationalId: NATIONAL_ID_2 }, 1, ctx),
    );
    expect((await infrastructure.entities.load(id)).state).toMatchObject({
      version: 2,
      body: { nationalId: NATIONAL_ID_2 },
    });
    await infrastructure.entitySearchRunner.catchUp();
    const definitionId = (await infrastructure.entities.load(id)).state;
    expect(definitionId.status).toBe('active');
    const page = await infrastructure.entitySearch.list(
      (definitionId as { definitionId: string }).definitionId,
      { id: 'someone', email: EMAIL.toUpperCase() },
      10,
      0,
    );
    expect(page.ids).toEqual([id]);
    await expectNoSecretInClear();
  });

  it('refuses to open a sealed value that was altered (never silently drops it)', async () => {
    const other = randomUUID();
    await create({ name: 'Tamper', nationalId: 'NID-TAMPER-0001' }, other);
    // The first character of the IV ("v1.<iv>…", position 4) changed, whatever it was.
    await infrastructure.pool.query(
      `UPDATE "registry".events SET data = jsonb_set(data, '{sealed,value}', to_jsonb(overlay(data->'sealed'->>'value'
          PLACING (CASE WHEN substr(data->'sealed'->>'value', 4, 1) = 'A' THEN 'B' ELSE 'A' END) FROM 4 FOR 1)))
        WHERE stream_id = $1`,
      [`entity-${other}`],
    );
    await expect(infrastructure.entities.load(other)).rejects.toBeInstanceOf(EnvelopeOpenError);
    await infrastructure.pool.query(`DELETE FROM "registry".events WHERE stream_id = $1`, [`entity-${other}`]);
    await infrastructure.entitySearchRunner.rebuild();
  });

  it('erases on DELETE: the data key is destroyed, the stream still replays with the private fields gone, the read models rebuild', async () => {
    await new DeleteEntityUseCase(infrastructure.entities, infrastructure.definitions).execute(
      new DeleteEntityCommand('Citizen', id, undefined, ctx),
    );
    const key = await infrastructure.pool.query(
      `SELECT kek_id, wrapped_key, shredded_at, shredded_by FROM "registry".entity_data_key WHERE entity_id = $1`,
      [id],
    );
    expect(key.rows).toEqual([
      { kek_id: null, wrapped_key: null, shredded_at: expect.any(Date), shredded_by: ctx.actor },
    ]);
    const history = await infrastructure.entities.history(id);
    expect(history.map((e) => e.type)).toEqual(['EntityCreated', 'EntityUpdated', 'EntityDeleted']);
    expect(history[2]!.data).toMatchObject({ erasure: 'crypto-shredding' });
    const created = history[0] as Extract<(typeof history)[number], { type: 'EntityCreated' }>;
    expect(created.data.body).toEqual({ name: 'Kavya', contacts: [{ kind: 'home' }, { kind: 'none' }] });
    expect(JSON.stringify(history)).not.toMatch(/NID-|\+91|secret-owner/);
    const erased = await infrastructure.sealer.unsealEvents(
      infrastructure.pool,
      await infrastructure.store.readStream(infrastructure.pool, `entity-${id}`),
    );
    expect(erased.erased.sort()).toEqual(['/contacts/0/phone', '/email', '/nationalId']);
    await infrastructure.entitySearchRunner.rebuild();
    const row = await infrastructure.pool.query(`SELECT 1 FROM "registry".entity_search WHERE id = $1`, [id]);
    expect(row.rows).toHaveLength(0);
    await expectNoSecretInClear();
    // The value is free again (the claim went with the entity).
    await expect(create({ name: 'Heir', nationalId: NATIONAL_ID_2 })).resolves.toMatchObject({ status: 'active' });
  });

  it('seals events written before envelope encryption in place (live: sealed, deleted: erased), and their unique claims', async () => {
    const { rows: known } = await infrastructure.pool.query<{ d: string; v: number }>(
      `SELECT data->>'definitionId' AS d, (data->>'definitionVersion')::int AS v FROM "registry".events
        WHERE event_type = 'EntityCreated' LIMIT 1`,
    );
    const against = { type: 'Citizen', definitionId: known[0]!.d, definitionVersion: known[0]!.v };
    const [live, gone] = [randomUUID(), randomUUID()];
    const at = new Date().toISOString();
    // As the repository wrote them before this version: bodies whole, claims in clear, no data key.
    await inTransaction(infrastructure.pool, async (client) => {
      for (const [id, nationalId] of [
        [live, LEGACY_LIVE],
        [gone, LEGACY_GONE],
      ] as const) {
        const created = { id, version: 1, at, by: ctx.actor, ...against, body: { name: 'Old', nationalId } };
        const events = [{ type: 'EntityCreated', data: created }];
        if (id === gone) events.push({ type: 'EntityDeleted', data: { id, version: 2, at, by: ctx.actor } as never });
        await infrastructure.store.append(client, `entity-${id}`, events, { expectedVersion: 'no_stream' });
      }
      await client.query(
        `INSERT INTO "registry".entity_unique_claim (definition_id, fields, value, entity_id) VALUES ($1, 'nationalId', $2, $3)`,
        [against.definitionId, JSON.stringify([LEGACY_LIVE]), live],
      );
    });
    expect(await everything()).toContain(LEGACY_LIVE);
    expect(await infrastructure.entities.sealLegacyEvents()).toEqual({ entities: 2, events: 2 });
    await expectNoSecretInClear();
    expect((await infrastructure.entities.load(live)).state).toMatchObject({ body: { nationalId: LEGACY_LIVE } });
    await expect(create({ name: 'Twin', nationalId: LEGACY_LIVE })).rejects.toBeInstanceOf(UniqueFieldTakenError);
    const goneKey = await infrastructure.pool.query(
      `SELECT shredded_at FROM "registry".entity_data_key WHERE entity_id = $1`,
      [gone],
    );
    expect(goneKey.rows).toEqual([{ shredded_at: expect.any(Date) }]);
    expect(await infrastructure.entities.sealLegacyEvents()).toEqual({ entities: 0, events: 0 });
  });

  it('rotates the key-encryption key: rewrap moves every data key to the new KEK, entities still open, the old KEK can go', async () => {
    const survivor = randomUUID();
    await create({ name: 'Survivor', nationalId: 'NID-SURVIVOR-42' }, survivor);
    // Another process (the rewrap job) rotates; this one still holds the old ring in memory.
    const job = await open([newKek, oldKek]);
    const { rewrapped } = await job.dataKeys.rewrap(job.pool, 1);
    await job.close();
    expect(rewrapped).toBeGreaterThanOrEqual(2); // the survivor's key, the heir's key and the blind-index key
    // It meets a data key wrapped by a KEK it does not know yet, re-reads the ring and opens it.
    expect((await infrastructure.entities.load(survivor)).state).toMatchObject({
      body: { nationalId: 'NID-SURVIVOR-42' },
    });
    const { rows } = await infrastructure.pool.query<{ kek_id: string }>(
      `SELECT DISTINCT kek_id FROM "registry".entity_data_key WHERE kek_id IS NOT NULL`,
    );
    expect(rows).toEqual([{ kek_id: newKek.kid }]);
    await infrastructure.close();
    infrastructure = await open([newKek]);
    expect((await infrastructure.entities.load(survivor)).state).toMatchObject({
      body: { nationalId: 'NID-SURVIVOR-42' },
    });
    await expect(create({ name: 'Clone', nationalId: 'NID-SURVIVOR-42' })).rejects.toBeInstanceOf(
      UniqueFieldTakenError,
    );
    expect((await infrastructure.dataKeys.rewrap(infrastructure.pool)).rewrapped).toBe(0);
  });

  it("erases an invitee's private e-mail on DELETE: EntityInvitedV1 carried it for the invitation, afterwards no table holds it", async () => {
    const invitedId = randomUUID();
    const admin = { id: ctx.actor, roles: ['admin'], authenticated: true };
    await new InviteEntityUseCase(infrastructure.definitions, infrastructure.entities, {
      next: () => invitedId,
    }).execute(new InviteEntityCommand('Citizen', { name: 'Ishaan', email: INVITEE }, admin, ctx));
    const outbox = async () =>
      (
        await infrastructure.pool.query<{ message_type: string; payload: { inviteeEmail?: string } }>(
          `SELECT message_type, payload FROM "registry".outbox WHERE message_key = $1 ORDER BY position`,
          [invitedId],
        )
      ).rows;
    // The notifications system needs the address: the invitation carries it, and nothing else does.
    expect(await outbox()).toEqual([
      {
        message_type: 'archipelago.registry.registry.EntityInvitedV1',
        payload: expect.objectContaining({ inviteeEmail: INVITEE }),
      },
    ]);
    await infrastructure.entitySearchRunner.catchUp();
    expect((await everything()).split(INVITEE)).toHaveLength(2);

    await new DeleteEntityUseCase(infrastructure.entities, infrastructure.definitions).execute(
      new DeleteEntityCommand('Citizen', invitedId, undefined, ctx),
    );
    expect((await outbox()).map((m) => m.message_type)).toEqual(['archipelago.registry.registry.EntityDeletedV1']);
    await infrastructure.entitySearchRunner.rebuild();
    const raw = await everything();
    expect(raw).toContain(invitedId);
    expect(raw).not.toContain(INVITEE);
    expect(raw.toLowerCase()).not.toContain(INVITEE.toLowerCase());
  });
});
