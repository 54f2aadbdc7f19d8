import { DomainError } from '@archipelago/util-decider';
import type { DefinitionProblem } from './os-config.js';
import type { DefinitionStatus } from './definition.state.js';

/** The document sent as a definition is not one: not an object, no usable title, or not a JSON Schema (400). */
export class InvalidDefinitionDocumentError extends DomainError {
  readonly code = 'DEFINITION.INVALID_DOCUMENT';
  constructor(readonly problems: readonly DefinitionProblem[]) {
    super(`not a definition: ${problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`, { problems });
  }
}

/** A definition with this title (in any case or normalisation form) exists already (409). */
export class DefinitionAlreadyExistsError extends DomainError {
  readonly code = 'DEFINITION.ALREADY_EXISTS';
  constructor(
    readonly title: string,
    readonly id: string,
  ) {
    super(`a definition titled "${title}" exists already (id ${id})`, { title, id });
  }
}

/** No definition has this id (404). */
export class DefinitionNotFoundError extends DomainError {
  readonly code = 'DEFINITION.NOT_FOUND';
  constructor(readonly id: string) {
    super(`no definition ${id}`, { id });
  }
}

/** The id given is not the one its title derives (400): ids are never chosen, always derived. */
export class DefinitionIdMismatchError extends DomainError {
  readonly code = 'DEFINITION.ID_MISMATCH';
  constructor(
    readonly title: string,
    readonly id: string,
    readonly expected: string,
  ) {
    super(`the title "${title}" gives the id ${expected}, not ${id}`, { title, id, expected });
  }
}

/** A revision changes the title, which is immutable (409): the title is the type's identity. */
export class DefinitionTitleImmutableError extends DomainError {
  readonly code = 'DEFINITION.TITLE_IMMUTABLE';
  constructor(
    readonly title: string,
    readonly attempted: string,
  ) {
    super(`the title of definition "${title}" cannot change (to "${attempted}")`, { title, attempted });
  }
}

/** The action is not allowed in the definition's current status (409), which the message names. */
export class DefinitionTransitionNotAllowedError extends DomainError {
  readonly code = 'DEFINITION.TRANSITION_NOT_ALLOWED';
  constructor(
    readonly action: 'modify' | 'validate' | 'activate' | 'deactivate' | 'delete',
    readonly status: DefinitionStatus,
  ) {
    super(`cannot ${action} a definition whose status is ${status}`, { action, status });
  }
}

/** Activation refused: the version to activate fails validation, listed in `problems` (409). */
export class DefinitionNotValidError extends DomainError {
  readonly code = 'DEFINITION.NOT_VALID';
  constructor(
    readonly id: string,
    readonly problems: readonly DefinitionProblem[],
  ) {
    super(`definition ${id} is not valid: ${problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`, {
      id,
      problems,
    });
  }
}
