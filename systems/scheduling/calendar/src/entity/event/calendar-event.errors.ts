import type { FieldProblem } from '@archipelago/util-calendar';
import { DomainError } from '@archipelago/util-decider';

/** The command's input breaks the event's rules; each problem names its field (400, RFC 9457 `errors`). */
export class EventValidationError extends DomainError {
  readonly code = 'EVENT.INVALID';
  readonly problems: readonly FieldProblem[];
  constructor(problems: readonly FieldProblem[]) {
    super(`the event is not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, { problems });
    this.problems = problems;
  }
}

/** No event with this id, or it was deleted (404). */
export class EventNotFoundError extends DomainError {
  readonly code = 'EVENT.NOT_FOUND';
  constructor(eventId: string) {
    super(`event ${eventId} does not exist`, { eventId });
  }
}

/** An event with this id exists already (409). */
export class EventAlreadyExistsError extends DomainError {
  readonly code = 'EVENT.ALREADY_EXISTS';
  constructor(eventId: string) {
    super(`event ${eventId} exists already`, { eventId });
  }
}

/** `If-Match` names no strong ETag of the event's current version (412, RFC 9110 §13.1.1). */
export class EventVersionConflictError extends DomainError {
  readonly code = 'EVENT.VERSION_CONFLICT';
  constructor(eventId: string, expected: readonly number[], actual: number) {
    super(
      `event ${eventId} is at version ${actual}, not ${expected.length === 0 ? 'a version If-Match names' : expected.join(' or ')}`,
      { eventId, expected: [...expected], actual },
    );
  }
}
