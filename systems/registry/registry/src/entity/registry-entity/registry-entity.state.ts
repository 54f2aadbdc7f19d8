import type { JsonObject } from './json-merge-patch.js';
import type { RegistryEntityEvent } from './registry-entity.events.js';

/** Status of an entity: `invited` until its owner accepts, `deleted` is final. */
export type RegistryEntityStatus = 'active' | 'invited' | 'deactivated' | 'deleted';

/** State of one entity stream. */
export type RegistryEntityState =
  | { readonly status: 'absent' }
  | {
      readonly status: RegistryEntityStatus;
      readonly id: string;
      readonly type: string;
      readonly definitionId: string;
      readonly definitionVersion: number;
      readonly body: JsonObject;
      /** Incremented by every event (the ETag / If-Match value). */
      readonly version: number;
    };

/** The state of a stream with no events. */
export const initialRegistryEntityState = (): RegistryEntityState => ({ status: 'absent' });

/**
 * Folds one event into the state. Every event sets `version` from the event (Daksha-RC never
 * applied `EntityUpdated` to its state, so an entity's version never advanced).
 */
export function evolveRegistryEntity(state: RegistryEntityState, event: RegistryEntityEvent): RegistryEntityState {
  switch (event.type) {
    case 'EntityCreated':
    case 'EntityInvited': {
      const { id, type, definitionId, definitionVersion, body, version } = event.data;
      const status = event.type === 'EntityCreated' ? 'active' : 'invited';
      return { status, id, type, definitionId, definitionVersion, body, version };
    }
  }
  if (state.status === 'absent') return state;
  const version = event.data.version;
  switch (event.type) {
    case 'EntityUpdated': {
      const { body, definitionVersion, definitionId } = event.data;
      return { ...state, body, definitionId, definitionVersion, version };
    }
    case 'EntityInvitationAccepted':
      return { ...state, status: 'active', version };
    case 'EntityDeactivated':
      return { ...state, status: 'deactivated', version };
    case 'EntityDeleted':
      return { ...state, status: 'deleted', version };
  }
}
