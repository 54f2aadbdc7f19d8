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
  type EntityDeletedV1,
  type EntityInvitedV1,
  type EntityUpdatedV1,
} from '@archipelago/registry-contracts';
import type pg from 'pg';
import type { DefinitionDocument } from '../entity/definition/definition-schema.js';
import { osConfigOf } from '../entity/definition/definition-schema.js';
import type { DefinitionEvent } from '../entity/definition/definition.events.js';
import { definitionShape } from '../entity/definition/os-config.js';
import { discloseEntity, ownerIdentities, uniqueKeys } from '../entity/registry-entity/field-access.js';
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
import { definitionStreamId } from './definition.event-store.repository.js';
import type { OsConfig } from '../entity/definition/os-config.js';
import { isPrivatePath, splitPrivateFields } from '../entity/registry-entity/private-fields.js';
import type { PrivateFieldSealer } from './crypto/private-field.sealer.js';

/** Stream id of an entity: `entity-<uuid>`. */
export const registryEntityStreamId = (id: string): string => `entity-${id}`;

const PG_UNIQUE_VIOLATION = '23505';

const fold = (events: readonly RegistryEntityEvent[]): RegistryEntityState =>
  events.reduce(registryEntityDecider.evolve, registryEntityDecider.initialState());

/**
 * Registry entities in the Postgres event store. `save` commits, in ONE transaction: the domain
 * events; the entity's `uniqueIndexFields` claims (table `entity_unique_claim`, primary key
 * (definition, fields, value): a second live entity with the same value fails on the key, also
 * under concurrency, and the whole transaction rolls back); and the integration events
 * (`EntityCreatedV1`, `EntityUpdatedV1`, `EntityDeletedV1`) with the body stripped of private and
 * internal fields, and `EntityInvitedV1` (no body; the invitee's e-mail, which the invitation goes to). The `_osConfig` used is the one of the definition version the body was
 * validated against, read from the definition's stream.
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
    const before = fold(await this.readIn(client, id));
    const shapeOf = async (definitionId: string, version: number) => {
      const document = await this.definitionDocument(client, definitionId, version);
      return { config: osConfigOf(document), contentPointer: definitionShape(document).contentPointer };
    };
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
      if (event.type === 'EntityDeleted') await this.sealer.shred(client, id, event.data.by, event.data.at);
    }
    const { config, contentPointer } = await shapeOf(after.definitionId, after.definitionVersion);
    await this.refreshUniqueClaims(client, after, config, contentPointer);
    const messages = events.flatMap((event) =>
      this.integrationEvent(
        event,
        after,
        (body) => discloseEntity(body, config, contentPointer, { purpose: 'event' }),
        (body) => ownerIdentities(body, config, contentPointer).emails.find((e) => e.includes('@')),
        context,
      ),
    );
    if (messages.length > 0) await this.messaging.outbox.add(client, messages);
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
  ): Promise<void> {
    const keys = state.status === 'deleted' ? [] : uniqueKeys(state.body, config, contentPointer);
    const claimed: { fields: string; value: string }[] = [];
    for (const key of keys) {
      const hidden = key.fields.split(',').some((field) => isPrivatePath(field, config));
      claimed.push(
        hidden ? { fields: key.fields, value: await this.sealer.blindIndex(client, key.fields, key.value) } : key,
      );
    }
    await this.claimUniqueKeys(client, state, claimed);
  }

  /**
   * Seals, in place, the private fields of entity events written before envelope encryption (their
   * bodies hold private values in clear), one entity per transaction (its events locked): a live
   * entity's values are sealed under its data key and its unique claims re-written (keyed hashes); a
   * deleted entity's are dropped (erased), and its erasure recorded. Idempotent; the event log's
   * other contents, versions and positions do not change. Run by `main.ts seal-private-fields`.
   * @returns how many entities and events were rewritten
   */
  async sealLegacyEvents(): Promise<{ entities: number; events: number }> {
    const events = `"${this.schema}".events`;
    const { rows: streams } = await this.pool.query<{ stream_id: string }>(
      `SELECT DISTINCT stream_id FROM ${events}
        WHERE stream_id LIKE 'entity-%' AND event_type IN ('EntityCreated', 'EntityInvited', 'EntityUpdated')
          AND NOT (data ? 'sealed')`,
    );
    let entities = 0;
    let rewritten = 0;
    for (const { stream_id: streamId } of streams) {
      const id = streamId.slice('entity-'.length);
      const count = await inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ global_position: string; event_type: string; data: JsonObject }>(
          `SELECT global_position, event_type, data FROM ${events} WHERE stream_id = $1 ORDER BY stream_version FOR UPDATE`,
          [streamId],
        );
        const deleted = rows.find((r) => r.event_type === 'EntityDeleted')?.data as
          { by?: string; at?: string } | undefined;
        const shapeOf = async (definitionId: string, version: number) => {
          const document = await this.definitionDocument(client, definitionId, version);
          return { config: osConfigOf(document), contentPointer: definitionShape(document).contentPointer };
        };
        let changed = 0;
        for (const row of rows) {
          const event = { type: row.event_type, data: row.data } as unknown as RegistryEntityEvent;
          if (
            (event.type !== 'EntityCreated' && event.type !== 'EntityInvited' && event.type !== 'EntityUpdated') ||
            Object.hasOwn(row.data, 'sealed')
          ) {
            continue;
          }
          const { config, contentPointer } = await shapeOf(event.data.definitionId, event.data.definitionVersion);
          const { publicBody, privateValues } = splitPrivateFields(event.data.body, config, contentPointer);
          if (privateValues.length === 0) continue;
          const data = deleted
            ? { ...event.data, body: publicBody }
            : (await this.sealer.sealEvents(client, id, [event], shapeOf))[0]!.data;
          await client.query(`UPDATE ${events} SET data = $2 WHERE global_position = $1`, [
            row.global_position,
            JSON.stringify(data),
          ]);
          changed += 1;
        }
        if (changed === 0) return 0;
        if (deleted) {
          await this.sealer.shred(client, id, deleted.by ?? 'system', deleted.at ?? new Date().toISOString());
        } else {
          const state = fold(await this.readIn(client, id));
          if (state.status !== 'absent') {
            const { config, contentPointer } = await shapeOf(state.definitionId, state.definitionVersion);
            await this.refreshUniqueClaims(client, state, config, contentPointer);
          }
        }
        return changed;
      });
      if (count > 0) entities += 1;
      rewritten += count;
    }
    return { entities, events: rewritten };
  }

  /** The schema of one version of a definition (versions never change once written). */
  private async definitionDocument(
    client: SqlClient,
    definitionId: string,
    version: number,
  ): Promise<DefinitionDocument> {
    const recorded = await this.store.readStream(client, definitionStreamId(definitionId));
    for (const r of recorded) {
      const event = { type: r.type, data: r.data } as DefinitionEvent;
      if ((event.type === 'DefCreated' || event.type === 'DefUpdated') && event.data.version === version) {
        return event.data.schema;
      }
    }
    throw new Error(`definition ${definitionId} has no version ${version}`);
  }

  /** Replaces the entity's claims by `keys`; a key held by another entity → UniqueFieldTakenError. */
  private async claimUniqueKeys(
    client: SqlClient,
    state: Exclude<RegistryEntityState, { status: 'absent' }>,
    keys: readonly { fields: string; value: string }[],
  ): Promise<void> {
    const table = `"${this.schema}".entity_unique_claim`;
    await client.query(`DELETE FROM ${table} WHERE entity_id = $1`, [state.id]);
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
      name: 'EntityCreatedV1' | 'EntityUpdatedV1' | 'EntityDeletedV1' | 'EntityInvitedV1',
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
          changed: [...event.data.changed],
        };
        return [message('EntityUpdatedV1', payload)];
      }
      case 'EntityDeleted': {
        const payload: EntityDeletedV1 = base;
        return [message('EntityDeletedV1', payload)];
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
