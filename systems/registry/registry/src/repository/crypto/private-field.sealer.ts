import type { RecordedEvent, SqlClient } from '@archipelago/platform-event-store';
import { createHmac } from 'node:crypto';
import type { OsConfig } from '../../entity/definition/os-config.js';
import type { JsonObject } from '../../entity/registry-entity/json-merge-patch.js';
import {
  mergePrivateFields,
  splitPrivateFields,
  type PrivateValue,
} from '../../entity/registry-entity/private-fields.js';
import type { RegistryEntityEvent } from '../../entity/registry-entity/registry-entity.events.js';
import { BLIND_INDEX_KEY_ID, type DataKeyStore } from './data-key.store.js';
import { open, seal } from './envelope.js';

/**
 * The private fields of one stored event, encrypted with the entity's data key (AES-256-GCM, the
 * associated data binds the entity id and event version): `fields` are the JSON Pointers they were
 * taken from (names, no values), `value` the sealed JSON array of `[pointer, value]` pairs.
 */
export interface SealedPrivateFields {
  readonly fields: readonly string[];
  readonly value: string;
}

/** The `_osConfig` and content pointer a body was validated with (from its definition version). */
export interface BodyShape {
  readonly config: OsConfig;
  readonly contentPointer: string;
}

type BodyEvent = Extract<RegistryEntityEvent, { type: 'EntityCreated' | 'EntityInvited' | 'EntityUpdated' }>;

const hasBody = (event: RegistryEntityEvent): event is BodyEvent =>
  event.type === 'EntityCreated' || event.type === 'EntityInvited' || event.type === 'EntityUpdated';

const aadOf = (entityId: string, version: number): string => `registry:entity:${entityId}:v${version}`;

/**
 * Moves entity events' private fields in and out of envelope encryption. Events go to the store
 * sealed ({@link sealEvents}): the body without its `privateFields`, plus `sealed`
 * ({@link SealedPrivateFields}); they come back with the body whole ({@link unsealEvents}) while the
 * entity's data key exists, and without the private fields once it was destroyed (crypto-shredding):
 * old events still replay, their private values read as erased (absent).
 */
export class PrivateFieldSealer {
  constructor(private readonly dataKeys: DataKeyStore) {}

  /**
   * The events as they are stored. A body with no private value is stored as is (no key is made).
   * @param shapeOf the `_osConfig` of the definition version a body was validated against
   */
  async sealEvents(
    client: SqlClient,
    entityId: string,
    events: readonly RegistryEntityEvent[],
    shapeOf: (definitionId: string, version: number) => Promise<BodyShape>,
  ): Promise<{ type: string; data: unknown }[]> {
    const stored: { type: string; data: unknown }[] = [];
    for (const event of events) {
      if (!hasBody(event)) {
        stored.push({ type: event.type, data: event.data });
        continue;
      }
      const { config, contentPointer } = await shapeOf(event.data.definitionId, event.data.definitionVersion);
      const { publicBody, privateValues } = splitPrivateFields(event.data.body, config, contentPointer);
      if (privateValues.length === 0) {
        stored.push({ type: event.type, data: event.data });
        continue;
      }
      const key = await this.dataKeys.forWriting(client, entityId);
      const sealed: SealedPrivateFields = {
        fields: privateValues.map(([pointer]) => pointer),
        value: seal(key, Buffer.from(JSON.stringify(privateValues), 'utf8'), aadOf(entityId, event.data.version)),
      };
      stored.push({ type: event.type, data: { ...event.data, body: publicBody, sealed } });
    }
    return stored;
  }

  /**
   * The domain events of stored ones: private fields opened and put back while the entity's key
   * exists; left out (erased) once it was shredded. `erased` lists the pointers that could not be
   * restored for that reason.
   * @throws EnvelopeOpenError when a sealed value was altered (never silently dropped)
   */
  async unsealEvents(
    client: SqlClient,
    recorded: readonly Pick<RecordedEvent, 'type' | 'data'>[],
  ): Promise<{ events: RegistryEntityEvent[]; erased: string[] }> {
    const erased = new Set<string>();
    let key: Buffer | 'shredded' | undefined;
    const events: RegistryEntityEvent[] = [];
    for (const r of recorded) {
      const data = r.data as { id: string; version: number; body?: JsonObject; sealed?: SealedPrivateFields };
      if (data.sealed === undefined || data.body === undefined) {
        events.push({ type: r.type, data: r.data } as RegistryEntityEvent);
        continue;
      }
      const { sealed, ...rest } = data;
      if (key === undefined) {
        const found = await this.dataKeys.forReading(client, data.id);
        if (found.state === 'absent') throw new Error(`entity ${data.id} has sealed fields but no data key`);
        key = found.state === 'present' ? found.key : 'shredded';
      }
      if (key === 'shredded') {
        sealed.fields.forEach((f) => erased.add(f));
        events.push({ type: r.type, data: rest } as RegistryEntityEvent);
        continue;
      }
      const values = JSON.parse(
        open(key, sealed.value, aadOf(data.id, data.version)).toString('utf8'),
      ) as PrivateValue[];
      events.push({
        type: r.type,
        data: { ...rest, body: mergePrivateFields(data.body, values) },
      } as RegistryEntityEvent);
    }
    return { events, erased: [...erased] };
  }

  /** Destroys the entity's data key (crypto-shredding) in the caller's transaction; see DataKeyStore.shred. */
  shred(client: SqlClient, entityId: string, by: string, at: string): Promise<void> {
    return this.dataKeys.shred(client, entityId, by, at);
  }

  /**
   * A keyed hash (HMAC-SHA-256 under the registry's blind-index key, itself wrapped by the KEK) of a
   * unique value that holds private fields, so `entity_unique_claim` can enforce uniqueness without
   * keeping the value in plain text; a plain hash would not do, national ids and the like are few
   * enough to be found by trying them all.
   */
  async blindIndex(client: SqlClient, fields: string, value: string): Promise<string> {
    const key = await this.dataKeys.forWriting(client, BLIND_INDEX_KEY_ID);
    return `hmac-sha256:${createHmac('sha256', key).update(`${fields}\n${value}`).digest('base64url')}`;
  }
}
