import type { OsConfig } from '../definition/os-config.js';
import { pointerDisclosed } from './field-access.js';
import { isJsonObject, type JsonValue } from './json-merge-patch.js';
import type { RegistryEntityEvent } from './registry-entity.events.js';

/** One event of an entity's history: who did what when, and which fields it touched (never values). */
export interface EntityHistoryEntry {
  /** The entity's version after the event (its ETag then). */
  readonly version: number;
  /** The domain event's name: EntityCreated, EntityInvited, EntityUpdated, EntityAttestationRecorded, EntityInvitationAccepted, EntityDeactivated, EntityReactivated, EntityDeleted. */
  readonly type: RegistryEntityEvent['type'];
  /** ISO 8601 instant. */
  readonly at: string;
  /** User id (token `sub`) of who did it; `anonymous` for a self-registration. */
  readonly actor: string;
  /**
   * RFC 6901 JSON Pointers into the body of the fields the event set or changed: every field for a
   * create or an invite, the changed ones for an update, none for the others. Arrays count as one
   * field. Pointers into `internalFields` are left out unless `showInternal`.
   */
  readonly changedFields: readonly string[];
  /** The attestation policy, for EntityAttestationRecorded. */
  readonly policy?: string;
}

/**
 * The history of an entity from its events, oldest first. Never carries a field's value (private
 * and internal fields included); internal fields' pointers only when `showInternal` (managers).
 * @param contentPointer where the entity sits in the body (DefinitionShape.contentPointer)
 */
export function entityHistory(
  events: readonly RegistryEntityEvent[],
  config: OsConfig,
  contentPointer: string,
  showInternal: boolean,
): EntityHistoryEntry[] {
  // The owner or a manager reads a history: private fields' pointers shown, internal ones to managers.
  const visible = pointerDisclosed(config, contentPointer, { purpose: 'read', owner: true, manager: showInternal });
  return events.map((event) => {
    const { version, at, by } = event.data;
    const changed =
      event.type === 'EntityCreated' || event.type === 'EntityInvited'
        ? leafPointers(event.data.body, '')
        : event.type === 'EntityUpdated'
          ? event.data.changed
          : [];
    return {
      version,
      type: event.type,
      at,
      actor: by,
      changedFields: changed.filter(visible),
      ...(event.type === 'EntityAttestationRecorded' ? { policy: event.data.policy } : {}),
    };
  });
}

/** Pointers of the leaves of a value (objects descended into, arrays and scalars whole). */
function leafPointers(value: JsonValue, base: string): string[] {
  if (!isJsonObject(value) || Object.keys(value).length === 0) return base === '' ? [] : [base];
  return Object.entries(value).flatMap(([key, item]) =>
    leafPointers(item, `${base}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`),
  );
}
