import {
  inTransaction,
  PostgresEventStore,
  WrongExpectedVersionError,
  type SqlClient,
} from '@archipelago/platform-event-store';
import type { Messaging, OutgoingMessage } from '@archipelago/platform-messaging';
import {
  REGISTRY_EVENTS,
  type EntityCreatedV1,
  type EntityDeactivatedV1,
  type EntityDeletedV1,
  type EntityInvitedV1,
  type EntityReactivatedV1,
  type EntityUpdatedV1,
} from '@archipelago/registry-contracts';
import type pg from 'pg';
import {
  discloseEntity,
  ownerIdentities,
  pointerDisclosed,
  pointerSegments,
  uniqueKeys,
} from '../entity/registry-entity/field-access.js';
import { registryEntityDecider } from '../entity/registry-entity/registry-entity.decider.js';
import type { JsonObject } from '../entity/registry-entity/json-merge-patch.js';
import type { RegistryEntityEvent } from '../entity/registry-entity/registry-entity.events.js';
import type { RegistryEntityState } from '../entity/registry-entity/registry-entity.state.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  RegistryEntityConcurrencyConflictError,
  UniqueFieldTakenError,
  type LoadedRegistryEntity,
  type RegistryEntityRepositoryPort,
} from '../use-case/port/registry-entity.repository.port.js';
import { DefinitionVersions, type NewlyPrivatePaths, type ProtectedShape } from './definition-versions.js';
import type { OsConfig } from '../entity/definition/os-config.js';
import { isPrivatePath, splitPrivateFields } from '../entity/registry-entity/private-fields.js';
import { parseFieldPath } from '../entity/definition/os-config.js';
import type { PrivateFieldSealer } from './crypto/private-field.sealer.js';

/** Stream id of an entity: `entity-<uuid>`. */
export const registryEntityStreamId = (id: string): string => `entity-${id}`;

const PG_UNIQUE_VIOLATION = '23505';

/**
 * A SQL/JSON path (lax mode: arrays are crossed implicitly, as valuesAt does) to the values at
 * `segments`, `*` meaning every item of an array: `['body', 'a', '*', 'b']` → `$."body"."a"[*]."b"`.
 */
function jsonPathOf(segments: readonly string[]): string {
  return `$${segments.map((s) => (s === '*' ? '[*]' : `.${JSON.stringify(s)}`)).join('')}`;
}

const fold = (events: readonly RegistryEntityEvent[]): RegistryEntityState =>
  events.reduce(registryEntityDecider.evolve, registryEntityDecider.initialState());

/**
 * A SQL condition on a jsonb column holding `{ definitionVersion, body }` (events' `data`, outbox
 * payloads): true when its version is one of `newly`'s and its body holds a value at one of that
 * version's paths. Paths go in as bound parameters (`bind` adds one, returns its `$n`).
 * @returns undefined when no path can be read
 */
function clearValueCondition(
  column: string,
  newly: ReadonlyMap<number, NewlyPrivatePaths>,
  bind: (value: unknown) => string,
): string | undefined {
  const byVersion = [...newly].flatMap(([version, { paths, contentPointer }]) => {
    const tests = paths.flatMap((path) => {
      const segments = parseFieldPath(path);
      if (!segments) return [];
      const jsonPath = jsonPathOf(['body', ...pointerSegments(contentPointer), ...segments]);
      return [`jsonb_path_exists(${column}, ${bind(jsonPath)}::jsonpath)`];
    });
    return tests.length === 0
      ? []
      : [`((${column}->>'definitionVersion')::int = ${bind(version)} AND (${tests.join(' OR ')}))`];
  });
  return byVersion.length === 0 ? undefined : `(${byVersion.join(' OR ')})`;
}

/**
 * Registry entities in the Postgres event store. `save` commits, in ONE transaction: the domain
 * events; the entity's `uniqueIndexFields` claims (table `entity_unique_claim`, primary key
 * (definition, fields, value): a second live entity with the same value fails on the key, also
 * under concurrency, and the whole transaction rolls back); and the integration events
 * (`EntityCreatedV1`, `EntityUpdatedV1`, `EntityDeletedV1`) with the body stripped of private and
 * internal fields, `EntityDeactivatedV1` / `EntityReactivatedV1` (no body), and `EntityInvitedV1` (no body; the invitee's e-mail, which the invitation goes to,
 * even when that field is private: the outbox copies are deleted with the entity). The `_osConfig`
 * used is the one of the definition version the body was validated against, read from the
 * definition's stream.
 *
 * Private fields are envelope-encrypted in the event log (see PrivateFieldSealer): events are
 * sealed before the append and opened after every read, so the deciders see whole bodies; an
 * `EntityDeleted` destroys the entity's data key in the same transaction (crypto-shredding), after
 * which the stream still replays with the private fields erased. A `uniqueIndexFields` value that
 * holds a private field is claimed by its keyed hash, never in plain text.
 */
export class RegistryEntityEventStoreRepository implements RegistryEntityRepositoryPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
    private readonly schema: string,
    private readonly sealer: PrivateFieldSealer,
  ) {}

  async load(id: string): Promise<LoadedRegistryEntity> {
    return this.loadIn(this.pool, id);
  }

  async history(id: string): Promise<readonly RegistryEntityEvent[]> {
    return this.readIn(this.pool, id);
  }

  /** {@link load} on the caller's connection (inside its transaction). */
  async loadIn(client: SqlClient, id: string): Promise<LoadedRegistryEntity> {
    const events = await this.readIn(client, id);
    return { state: fold(events), version: events.length };
  }

  /** The entity's events, private fields opened (or erased, after crypto-shredding). */
  private async readIn(client: SqlClient, id: string): Promise<RegistryEntityEvent[]> {
    return (await this.sealer.unsealEvents(client, await this.store.readStream(client, registryEntityStreamId(id))))
      .events;
  }

  async save(
    id: string,
    events: readonly RegistryEntityEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void> {
    if (events.length === 0) return;
    try {
      await inTransaction(this.pool, (client) => this.write(client, id, events, expectedVersion, context));
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new RegistryEntityConcurrencyConflictError(id);
      throw error;
    }
  }

  /**
   * {@link save} inside the caller's transaction (the claim process manager's, so the entity
   * change and the process checkpoint commit together). A stale `expectedVersion` throws
   * WrongExpectedVersionError: the caller rolls back and tries again.
   */
  async saveIn(
    client: SqlClient,
    id: string,
    events: readonly RegistryEntityEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void> {
    if (events.length > 0) await this.write(client, id, events, expectedVersion, context);
  }

  private async write(
    client: SqlClient,
    id: string,
    events: readonly RegistryEntityEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void> {
    // A new stream (expected version 0) has no state to read: if another writer created it
    // meanwhile, the append below fails on the expected version.
    const before = expectedVersion === 0 ? fold([]) : fold(await this.readIn(client, id));
    const shapeOf = this.shapes(client);
    await this.store.append(
      client,
      registryEntityStreamId(id),
      await this.sealer.sealEvents(client, id, events, shapeOf),
      {
        expectedVersion,
        metadata: { ...context },
      },
    );
    const after = events.reduce(registryEntityDecider.evolve, before);
    if (after.status === 'absent') return;
    for (const event of events) {
      if (event.type !== 'EntityDeleted') continue;
      await this.sealer.shred(client, id, event.data.by, event.data.at);
      await this.dropInvitations(client, id);
    }
    const { config, contentPointer } = await shapeOf(after.definitionId, after.definitionVersion);
    await this.refreshUniqueClaims(client, after, config, contentPointer, expectedVersion === 0);
    const messages = events.flatMap((event) =>
      this.integrationEvent(
        event,
        after,
        (body) => discloseEntity(body, config, contentPointer, { purpose: 'event' }),
        pointerDisclosed(config, contentPointer, { purpose: 'event' }),
        (body) => ownerIdentities(body, config, contentPointer).emails.find((e) => e.includes('@')),
        context,
      ),
    );
    if (messages.length > 0) await this.messaging.outbox.add(client, messages);
  }

  /**
   * Erasure of the one value an integration event carries from an entity's private fields: the
   * invitee's e-mail of `EntityInvitedV1` (the notifications system sends the invitation there, so
   * the event must carry it). On `EntityDeleted`, in its transaction, the registry's own copies of
   * the entity's invitations (`outbox` rows keyed by its id, sent or not) are deleted: an invitation
   * not relayed yet is never sent for an entity that is gone, and the address no longer sits in
   * clear in the registry's tables. What a consumer already read, and a Kafka topic's copy until its
   * retention, are out of the registry's reach (docs/systems/registry.md, private fields).
   */
  private async dropInvitations(client: SqlClient, id: string): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".outbox WHERE message_type = $1 AND message_key = $2`, [
      REGISTRY_EVENTS.EntityInvitedV1.type,
      id,
    ]);
  }

  /**
   * The entity's `uniqueIndexFields` claims, replaced by those of `state` (none once deleted); an
   * entry holding a private field is claimed by its keyed hash.
   */
  private async refreshUniqueClaims(
    client: SqlClient,
    state: Exclude<RegistryEntityState, { status: 'absent' }>,
    config: OsConfig,
    contentPointer: string,
    /** The entity is new: it holds no claims yet, none to delete. */
    created = false,
  ): Promise<void> {
    const keys = state.status === 'deleted' ? [] : uniqueKeys(state.body, config, contentPointer);
    const claimed: { fields: string; value: string }[] = [];
    for (const key of keys) {
      const hidden = key.fields.split(',').some((field) => isPrivatePath(field, config));
      claimed.push(
        hidden ? { fields: key.fields, value: await this.sealer.blindIndex(client, key.fields, key.value) } : key,
      );
    }
    await this.claimUniqueKeys(client, state, claimed, created);
  }

  /**
   * Seals, in place, the private fields of entity events written before envelope encryption (their
   * bodies hold private values in clear), one entity per transaction (see {@link sealInPlace}).
   * Idempotent; the event log's other contents, versions and positions do not change. Run by
   * `main.ts seal-private-fields`.
   * @returns how many entities and events were rewritten
   */
  async sealLegacyEvents(): Promise<{ entities: number; events: number }> {
    const { rows: streams } = await this.pool.query<{ stream_id: string }>(
      `SELECT DISTINCT stream_id FROM "${this.schema}".events
        WHERE stream_id LIKE 'entity-%' AND event_type IN ('EntityCreated', 'EntityInvited', 'EntityUpdated')
          AND NOT (data ? 'sealed')`,
    );
    return this.sealStreams(streams.map((r) => r.stream_id));
  }

  /**
   * The entities of `definitionId` written under an earlier version that still hold, in clear, a
   * value at a path the active version made private (found by `jsonb_path_exists` on the stored
   * events), sealed in place with the active version's `privateFields` added ({@link sealInPlace}).
   * Resumable: a sealed entity is no longer found, so a pass stopped halfway is finished by the next
   * and a pass with nothing left to do is one query.
   * @param newly version → the paths it lacks (DefinitionVersions.newlyPrivate)
   * @param onEntity called after each entity's transaction committed (progress)
   * @returns how many entities and events were rewritten
   */
  async sealNewlyPrivate(
    definitionId: string,
    newly: ReadonlyMap<number, NewlyPrivatePaths>,
    onEntity: (events: number) => void = () => {},
  ): Promise<{ entities: number; events: number }> {
    const params: unknown[] = [definitionId];
    const clear = clearValueCondition('data', newly, (value) => `$${params.push(value)}`);
    if (!clear) return { entities: 0, events: 0 };
    const { rows: streams } = await this.pool.query<{ stream_id: string }>(
      `SELECT DISTINCT stream_id FROM "${this.schema}".events
        WHERE stream_id LIKE 'entity-%' AND event_type IN ('EntityCreated', 'EntityInvited', 'EntityUpdated')
          AND data->>'definitionId' = $1 AND ${clear}`,
      params,
    );
    return this.sealStreams(
      streams.map((r) => r.stream_id),
      onEntity,
    );
  }

  /**
   * Takes the fields private under the definitions' active versions out of the registry's own copies
   * of the integration events it published (`outbox` rows of `definitionId`: EntityCreatedV1,
   * EntityUpdatedV1), in batches of `batch` rows, each batch one transaction. Consumers that already
   * read a message keep what they read; the postgres transport's log and late readers no longer see it.
   * Only rows that still hold such a value are read (as {@link sealNewlyPrivate} finds entities).
   * @param newly version → the paths it lacks (DefinitionVersions.newlyPrivate)
   * @returns how many messages were changed
   */
  async scrubPublishedBodies(
    definitionId: string,
    newly: ReadonlyMap<number, NewlyPrivatePaths>,
    batch = 500,
  ): Promise<number> {
    const types = [REGISTRY_EVENTS.EntityCreatedV1.type, REGISTRY_EVENTS.EntityUpdatedV1.type];
    const params: unknown[] = [types, definitionId, batch];
    const clear = clearValueCondition('payload', newly, (value) => `$${params.push(value)}`);
    if (!clear) return 0;
    const after = { position: '0' };
    let changed = 0;
    for (;;) {
      const count = await inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{
          position: string;
          payload: { definitionVersion?: number; body?: JsonObject };
        }>(
          `SELECT position, payload FROM "${this.schema}".outbox
            WHERE position > $${params.length + 1} AND message_type = ANY($1::text[]) AND payload->>'definitionId' = $2
              AND ${clear}
            ORDER BY position LIMIT $3 FOR UPDATE`,
          [...params, after.position],
        );
        const shapeOf = this.shapes(client);
        for (const row of rows) {
          after.position = row.position;
          const { body, definitionVersion } = row.payload;
          if (body === undefined || typeof definitionVersion !== 'number') continue;
          const { config, contentPointer } = await shapeOf(definitionId, definitionVersion);
          const disclosed = discloseEntity(body, config, contentPointer, { purpose: 'event' });
          if (JSON.stringify(disclosed) === JSON.stringify(body)) continue;
          const { changed: pointers } = row.payload as { changed?: unknown };
          const named = Array.isArray(pointers)
            ? { changed: pointers.filter(pointerDisclosed(config, contentPointer, { purpose: 'event' })) }
            : {};
          await client.query(`UPDATE "${this.schema}".outbox SET payload = $2 WHERE position = $1`, [
            row.position,
            JSON.stringify({ ...row.payload, body: disclosed, ...named }),
          ]);
          changed += 1;
        }
        return rows.length;
      });
      if (count < batch) return changed;
    }
  }

  private async sealStreams(
    streamIds: readonly string[],
    onEntity: (events: number) => void = () => {},
  ): Promise<{ entities: number; events: number }> {
    let entities = 0;
    let rewritten = 0;
    for (const streamId of streamIds) {
      const count = await inTransaction(this.pool, (client) => this.sealInPlace(client, streamId));
      if (count > 0) {
        entities += 1;
        onEntity(count);
      }
      rewritten += count;
    }
    return { entities, events: rewritten };
  }

  /**
   * Seals, in place and in the caller's transaction, every private value an entity's stored events
   * still hold in clear, private meaning: in the `privateFields` of the event's definition version or
   * of the definition's active version (events written before envelope encryption; entities written
   * before a version made more fields private). The stream's rows are locked. A live entity's values
   * are (re-)sealed under its data key with those it had sealed already, its unique claims re-written
   * (keyed hashes) and its search row stripped of them; a deleted entity's are dropped (erased) and
   * its erasure recorded. Versions and positions do not change.
   * @returns how many events were rewritten (0: nothing was in clear)
   */
  private async sealInPlace(client: SqlClient, streamId: string): Promise<number> {
    const events = `"${this.schema}".events`;
    const id = streamId.slice('entity-'.length);
    const { rows } = await client.query<{ global_position: string; event_type: string; data: JsonObject }>(
      `SELECT global_position, event_type, data FROM ${events} WHERE stream_id = $1 ORDER BY stream_version FOR UPDATE`,
      [streamId],
    );
    const deleted = rows.find((r) => r.event_type === 'EntityDeleted')?.data as
      { by?: string; at?: string } | undefined;
    const shapeOf = this.shapes(client);
    let changed = 0;
    for (const row of rows) {
      const event = { type: row.event_type, data: row.data } as unknown as RegistryEntityEvent;
      if (event.type !== 'EntityCreated' && event.type !== 'EntityInvited' && event.type !== 'EntityUpdated') continue;
      const { config, contentPointer } = await shapeOf(event.data.definitionId, event.data.definitionVersion);
      // The stored body: only its public part, so what is found here is in clear.
      const { publicBody, privateValues } = splitPrivateFields(event.data.body, config, contentPointer);
      if (privateValues.length === 0) continue;
      let data: unknown;
      if (deleted) data = { ...event.data, body: publicBody };
      else {
        const [whole] = (await this.sealer.unsealEvents(client, [{ type: row.event_type, data: row.data }])).events;
        data = (await this.sealer.sealEvents(client, id, [whole!], shapeOf))[0]!.data;
      }
      await client.query(`UPDATE ${events} SET data = $2 WHERE global_position = $1`, [
        row.global_position,
        JSON.stringify(data),
      ]);
      changed += 1;
    }
    if (changed === 0) return 0;
    if (deleted) {
      await this.sealer.shred(client, id, deleted.by ?? 'system', deleted.at ?? new Date().toISOString());
      await this.dropInvitations(client, id);
      return changed;
    }
    const state = fold(await this.readIn(client, id));
    if (state.status === 'absent') return changed;
    const { config, contentPointer } = await shapeOf(state.definitionId, state.definitionVersion);
    await this.refreshUniqueClaims(client, state, config, contentPointer);
    const search = `"${this.schema}".entity_search`;
    const { rows: found } = await client.query<{ body: JsonObject }>(
      `SELECT body FROM ${search} WHERE id = $1 FOR UPDATE`,
      [id],
    );
    for (const { body } of found) {
      const stored = discloseEntity(body, config, contentPointer, { purpose: 'search', manager: true });
      if (JSON.stringify(stored) !== JSON.stringify(body))
        await client.query(`UPDATE ${search} SET body = $2 WHERE id = $1`, [id, JSON.stringify(stored)]);
    }
    return changed;
  }

  /**
   * What bodies are protected by, per (definition, version) — that version's `_osConfig` with the
   * active version's `privateFields` added (DefinitionVersions.shapeOf) — each definition's stream
   * read once on `client`.
   */
  private shapes(client: SqlClient): (definitionId: string, version: number) => Promise<ProtectedShape> {
    const read = new Map<string, Promise<DefinitionVersions>>();
    return async (definitionId, version) => {
      let versions = read.get(definitionId);
      if (!versions) read.set(definitionId, (versions = DefinitionVersions.read(this.store, client, definitionId)));
      return (await versions).shapeOf(version);
    };
  }

  /** Replaces the entity's claims by `keys`; a key held by another entity → UniqueFieldTakenError. */
  private async claimUniqueKeys(
    client: SqlClient,
    state: Exclude<RegistryEntityState, { status: 'absent' }>,
    keys: readonly { fields: string; value: string }[],
    created: boolean,
  ): Promise<void> {
    const table = `"${this.schema}".entity_unique_claim`;
    if (!created) await client.query(`DELETE FROM ${table} WHERE entity_id = $1`, [state.id]);
    for (const key of keys) {
      try {
        await client.query(`INSERT INTO ${table} (definition_id, fields, value, entity_id) VALUES ($1, $2, $3, $4)`, [
          state.definitionId,
          key.fields,
          key.value,
          state.id,
        ]);
      } catch (error) {
        if ((error as { code?: string }).code === PG_UNIQUE_VIOLATION) {
          throw new UniqueFieldTakenError(key.fields.split(','));
        }
        throw error;
      }
    }
  }

  private integrationEvent(
    event: RegistryEntityEvent,
    state: Exclude<RegistryEntityState, { status: 'absent' }>,
    publicBody: (body: JsonObject) => JsonObject,
    /** Whether a changed field may be named in an event (not a private or internal one). */
    publicPointer: (pointer: string) => boolean,
    inviteeEmail: (body: JsonObject) => string | undefined,
    context: CommandContext,
  ): OutgoingMessage[] {
    const base = {
      entityId: event.data.id,
      entityType: state.type,
      definitionId: state.definitionId,
      version: event.data.version,
      actor: event.data.by,
      occurredAt: event.data.at,
    };
    const message = (
      name:
        | 'EntityCreatedV1'
        | 'EntityUpdatedV1'
        | 'EntityDeletedV1'
        | 'EntityInvitedV1'
        | 'EntityDeactivatedV1'
        | 'EntityReactivatedV1',
      payload: unknown,
    ): OutgoingMessage => {
      const { topic, type } = REGISTRY_EVENTS[name];
      return { topic, type, key: event.data.id, payload, traceparent: context.traceparent };
    };
    switch (event.type) {
      case 'EntityCreated': {
        const payload: EntityCreatedV1 = {
          ...base,
          definitionVersion: event.data.definitionVersion,
          body: publicBody(event.data.body),
        };
        return [message('EntityCreatedV1', payload)];
      }
      case 'EntityUpdated': {
        const payload: EntityUpdatedV1 = {
          ...base,
          definitionVersion: event.data.definitionVersion,
          body: publicBody(event.data.body),
          changed: event.data.changed.filter(publicPointer),
        };
        return [message('EntityUpdatedV1', payload)];
      }
      case 'EntityDeleted': {
        const payload: EntityDeletedV1 = base;
        return [message('EntityDeletedV1', payload)];
      }
      // Names the entity only (no body): what a consumer needs to suspend or restore what it derived.
      case 'EntityDeactivated': {
        const payload: EntityDeactivatedV1 = base;
        return [message('EntityDeactivatedV1', payload)];
      }
      case 'EntityReactivated': {
        const payload: EntityReactivatedV1 = base;
        return [message('EntityReactivatedV1', payload)];
      }
      case 'EntityInvited': {
        // The invite use case refuses a body without an owner e-mail; nothing to send without one.
        const email = inviteeEmail(event.data.body);
        if (email === undefined) return [];
        const payload: EntityInvitedV1 = { ...base, inviteeEmail: email };
        return [message('EntityInvitedV1', payload)];
      }
      default:
        return [];
    }
  }
}
