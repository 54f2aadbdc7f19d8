import type { JsonObject } from './json-merge-patch.js';
import type { AttestationState, RegistryEntityEvent } from './registry-entity.events.js';

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
      /** Per attestation policy name: its latest claim and where it stands (absent: never requested). */
      readonly attestations?: Readonly<Record<string, EntityAttestation>>;
    };

/** One policy's attestation as the entity shows it (`_osState`, `_osAttestedData`). */
export interface EntityAttestation {
  readonly claimId: string;
  readonly state: AttestationState;
  /** JSON Pointers into the whole body. */
  readonly properties: readonly string[];
  readonly attestedData?: JsonObject;
}

/** Whether a change at pointer `a` touches the value at pointer `b` (equal, or one inside the other). */
export function pointersOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

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
      const { body, definitionVersion, definitionId, changed } = event.data;
      // A change to an attested property sets that attestation back to needing re-attestation.
      const attestations = Object.fromEntries(
        Object.entries(state.attestations ?? {}).map(([policy, a]) => [
          policy,
          a.state === 'ATTESTED' && a.properties.some((p) => changed.some((c) => pointersOverlap(c, p)))
            ? { ...a, state: 'NEEDS_REATTESTATION' as const }
            : a,
        ]),
      );
      return { ...state, body, definitionId, definitionVersion, version, attestations };
    }
    case 'EntityAttestationRecorded': {
      const { claimId, policy, state: attestationState, properties, attestedData } = event.data;
      const previous = state.attestations?.[policy];
      const record: EntityAttestation = {
        claimId,
        state: attestationState,
        properties,
        // Frozen values stay until a newer attestation replaces them.
        ...(attestedData ? { attestedData } : previous?.attestedData ? { attestedData: previous.attestedData } : {}),
      };
      return { ...state, version, attestations: { ...state.attestations, [policy]: record } };
    }
    case 'EntityInvitationAccepted':
    case 'EntityReactivated':
      return { ...state, status: 'active', version };
    case 'EntityDeactivated':
      return { ...state, status: 'deactivated', version };
    case 'EntityDeleted':
      return { ...state, status: 'deleted', version };
  }
}
