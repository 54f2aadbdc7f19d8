import type { DefinitionDocument } from './definition-schema.js';
import type { DefinitionEvent } from './definition.events.js';
import type { DefinitionProblem } from './os-config.js';

/**
 * Status of a definition (Daksha-RC's `record_status`, lower camel case). `draft`, `valid`,
 * `invalid` and `active` describe the latest version; `deactivated` and `markedForDeletion` the
 * whole definition.
 */
export type DefinitionStatus = 'draft' | 'valid' | 'invalid' | 'active' | 'deactivated' | 'markedForDeletion';

/** State of one definition stream, folded from its events. */
export type DefinitionState =
  | { readonly status: 'absent' }
  | {
      readonly status: DefinitionStatus;
      readonly id: string;
      readonly title: string;
      /** Latest version (1, 2, …): every revision is a new version. */
      readonly version: number;
      readonly schema: DefinitionDocument;
      /** Problems found by the latest validation of the latest version (empty unless `invalid`). */
      readonly problems: readonly DefinitionProblem[];
      /**
       * The version that was last activated, with its schema: it keeps serving while a newer
       * version is drafted, and stays known after deactivation (existing entities stay readable).
       */
      readonly active?: { readonly version: number; readonly schema: DefinitionDocument };
    };

/** A definition that exists (any status but `absent`). */
export type ExistingDefinition = Exclude<DefinitionState, { status: 'absent' }>;

/** The state of a stream with no events. */
export const initialDefinitionState = (): DefinitionState => ({ status: 'absent' });

/**
 * The definition document whose `_osConfig` rules (roles, ownership, internal and private fields)
 * are in force for the type's existing entities: the active version's — the last one activated,
 * still known after deactivation — whatever version an entity was written under. A pending draft
 * (or a valid but not activated revision) never decides who may read or write: a new version takes
 * effect when it is activated. Falls back to the latest document only for a definition never
 * activated (it has no entities).
 */
export function rulesDocument(definition: ExistingDefinition): DefinitionDocument {
  return definition.active?.schema ?? definition.schema;
}

/**
 * Whether new entities of the type may be created now, and against which version: only while the
 * definition is active or a revision of an active definition is pending (the active version serves).
 */
export function servingVersion(
  state: DefinitionState,
): { readonly version: number; readonly schema: DefinitionDocument } | undefined {
  if (state.status === 'absent' || state.status === 'deactivated' || state.status === 'markedForDeletion') {
    return undefined;
  }
  return state.active;
}

/** Folds one event into the state. Pure; unknown transitions are the decider's concern, not evolve's. */
export function evolveDefinition(state: DefinitionState, event: DefinitionEvent): DefinitionState {
  if (event.type === 'DefCreated') {
    const { id, title, version, schema } = event.data;
    return { status: 'draft', id, title, version, schema, problems: [] };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'DefUpdated':
      return { ...state, status: 'draft', version: event.data.version, schema: event.data.schema, problems: [] };
    case 'DefValidated':
      return { ...state, status: 'valid', problems: [] };
    case 'DefValidatedFailed':
      return { ...state, status: 'invalid', problems: event.data.problems };
    case 'DefActivated':
      return {
        ...state,
        status: 'active',
        problems: [],
        active: { version: event.data.version, schema: event.data.schema },
      };
    case 'DefDeactivated':
      return { ...state, status: 'deactivated' };
    case 'DefDeleted':
      return { ...state, status: 'markedForDeletion' };
  }
}
