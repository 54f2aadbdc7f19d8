import type { Decider } from '@archipelago/util-decider';
import { definitionIdOf } from './definition-id.js';
import {
  checkDefinitionDocument,
  validateDefinitionSchema,
  type DefinitionDocument,
  type DefinitionReferences,
} from './definition-schema.js';
import {
  DefinitionAlreadyExistsError,
  DefinitionIdMismatchError,
  DefinitionNotFoundError,
  DefinitionNotValidError,
  DefinitionTitleImmutableError,
  DefinitionTransitionNotAllowedError,
  InvalidDefinitionDocumentError,
} from './definition.errors.js';
import type { DefinitionEvent } from './definition.events.js';
import {
  evolveDefinition,
  initialDefinitionState,
  type DefinitionState,
  type DefinitionStatus,
  type ExistingDefinition,
} from './definition.state.js';

/** Common data of every definition command: the stream, the actor, and the time (ISO 8601) from outside. */
interface Stamp {
  readonly id: string;
  readonly now: string;
  readonly by: string;
}

/**
 * Commands of a definition. `references` are the other definitions the schema's cross-document
 * `$ref`s may use (looked up by the use case: decide stays pure).
 */
export type DefinitionCommand =
  | { readonly type: 'CreateDefinition'; readonly data: Stamp & { readonly schema: unknown } }
  | { readonly type: 'ModifyDefinition'; readonly data: Stamp & { readonly schema: unknown } }
  | { readonly type: 'ValidateDefinition'; readonly data: Stamp & { readonly references?: DefinitionReferences } }
  | { readonly type: 'ActivateDefinition'; readonly data: Stamp & { readonly references?: DefinitionReferences } }
  | { readonly type: 'DeactivateDefinition'; readonly data: Stamp }
  | { readonly type: 'DeleteDefinition'; readonly data: Stamp };

const MODIFIABLE: readonly DefinitionStatus[] = ['draft', 'valid', 'invalid', 'active'];
const VALIDATABLE: readonly DefinitionStatus[] = ['draft', 'valid', 'invalid'];

/**
 * Decides the events of a definition command. The lifecycle (docs/systems/registry.md):
 * - create → `draft` v1; the id must be the one the title derives.
 * - modify (draft, valid, invalid, active) → a new version in `draft`; the title is immutable; the
 *   active version, if any, keeps serving until the new one is activated.
 * - validate (draft, valid, invalid) → `valid` or `invalid` with the problems listed.
 * - activate: from `valid`; from `draft`/`invalid` it validates first and refuses an invalid
 *   version (nothing recorded); from `deactivated` it reactivates (validating a pending revision).
 * - deactivate: while a version is active (also with a revision pending).
 * - delete (mark for deletion): from any status but `markedForDeletion`.
 * A refused transition throws, naming the current status; it is never a silent no-op.
 * @throws InvalidDefinitionDocumentError, DefinitionIdMismatchError, DefinitionAlreadyExistsError,
 *   DefinitionNotFoundError, DefinitionTitleImmutableError, DefinitionTransitionNotAllowedError,
 *   DefinitionNotValidError
 */
export function decideDefinition(command: DefinitionCommand, state: DefinitionState): DefinitionEvent[] {
  const { id, now: at, by } = command.data;
  if (command.type === 'CreateDefinition') {
    const title = titleOf(command.data.schema);
    const expected = definitionIdOf(title);
    if (id !== expected) throw new DefinitionIdMismatchError(title, id, expected);
    if (state.status !== 'absent') throw new DefinitionAlreadyExistsError(state.title, state.id);
    const schema = command.data.schema as DefinitionDocument;
    return [{ type: 'DefCreated', data: { id, title, version: 1, schema, at, by } }];
  }
  if (state.status === 'absent') throw new DefinitionNotFoundError(id);
  const stamp = { id, at, by };
  switch (command.type) {
    case 'ModifyDefinition': {
      allow(state, 'modify', MODIFIABLE.includes(state.status));
      const title = titleOf(command.data.schema);
      if (title !== state.title) throw new DefinitionTitleImmutableError(state.title, title);
      const schema = command.data.schema as DefinitionDocument;
      return [{ type: 'DefUpdated', data: { ...stamp, version: state.version + 1, schema } }];
    }
    case 'ValidateDefinition': {
      allow(state, 'validate', VALIDATABLE.includes(state.status));
      const problems = validateDefinitionSchema(state.schema, command.data.references);
      return problems.length === 0
        ? [{ type: 'DefValidated', data: { ...stamp, version: state.version } }]
        : [{ type: 'DefValidatedFailed', data: { ...stamp, version: state.version, problems } }];
    }
    case 'ActivateDefinition': {
      allow(state, 'activate', state.status !== 'active' && state.status !== 'markedForDeletion');
      const activated: DefinitionEvent = {
        type: 'DefActivated',
        data: { ...stamp, version: state.version, schema: state.schema },
      };
      const reactivation = state.status === 'deactivated' && state.active?.version === state.version;
      if (state.status === 'valid' || reactivation) return [activated];
      const problems = validateDefinitionSchema(state.schema, command.data.references);
      if (problems.length > 0) throw new DefinitionNotValidError(id, problems);
      return [{ type: 'DefValidated', data: { ...stamp, version: state.version } }, activated];
    }
    case 'DeactivateDefinition':
      allow(state, 'deactivate', state.active !== undefined && VALIDATABLE.concat('active').includes(state.status));
      return [{ type: 'DefDeactivated', data: stamp }];
    case 'DeleteDefinition':
      allow(state, 'delete', state.status !== 'markedForDeletion');
      return [{ type: 'DefDeleted', data: stamp }];
  }
}

function allow(state: ExistingDefinition, action: DefinitionTransitionNotAllowedError['action'], allowed: boolean) {
  if (!allowed) throw new DefinitionTransitionNotAllowedError(action, state.status);
}

function titleOf(schema: unknown): string {
  const checked = checkDefinitionDocument(schema);
  if (!checked.ok) throw new InvalidDefinitionDocumentError(checked.problems);
  return checked.title;
}

/** The definition lifecycle as a {@link Decider} (emmett shape). */
export const definitionDecider: Decider<DefinitionCommand, DefinitionEvent, DefinitionState> = {
  decide: decideDefinition,
  evolve: evolveDefinition,
  initialState: initialDefinitionState,
};
