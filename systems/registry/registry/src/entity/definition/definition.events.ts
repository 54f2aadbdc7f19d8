import type { DefinitionProblem } from './os-config.js';
import type { DefinitionDocument } from './definition-schema.js';

/** Who did it and when: every definition event carries them (the event log is the audit trail). */
interface Stamp {
  /** Definition id (derived from the title, see definitionIdOf). */
  readonly id: string;
  /** ISO 8601 instant. */
  readonly at: string;
  /** The actor's user id. */
  readonly by: string;
}

/** Domain events of a definition's lifecycle (names as Daksha-RC's; past tense, no Event suffix). */
export type DefinitionEvent =
  | {
      readonly type: 'DefCreated';
      readonly data: Stamp & { readonly title: string; readonly version: 1; readonly schema: DefinitionDocument };
    }
  | {
      /** A revision: a new version, in draft; the active version (if any) keeps serving. */
      readonly type: 'DefUpdated';
      readonly data: Stamp & { readonly version: number; readonly schema: DefinitionDocument };
    }
  | { readonly type: 'DefValidated'; readonly data: Stamp & { readonly version: number } }
  | {
      readonly type: 'DefValidatedFailed';
      readonly data: Stamp & { readonly version: number; readonly problems: readonly DefinitionProblem[] };
    }
  | {
      /** `version` now serves new entities; its schema is repeated so the event stands alone for projections. */
      readonly type: 'DefActivated';
      readonly data: Stamp & { readonly version: number; readonly schema: DefinitionDocument };
    }
  | { readonly type: 'DefDeactivated'; readonly data: Stamp }
  | { readonly type: 'DefDeleted'; readonly data: Stamp };

/** The type names of {@link DefinitionEvent}. */
export type DefinitionEventType = DefinitionEvent['type'];
