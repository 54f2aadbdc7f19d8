import { DomainError } from '@archipelago/util-decider';

/** No CalendarItem with this id. */
export class CalendarItemNotFoundError extends DomainError {
  readonly code = 'CALENDAR_ITEM.NOT_FOUND';
  constructor(itemId: string) {
    super(`CalendarItem ${itemId} does not exist`, { itemId });
  }
}

/** The CalendarItem already exists (same id). */
export class CalendarItemAlreadyExistsError extends DomainError {
  readonly code = 'CALENDAR_ITEM.ALREADY_EXISTS';
  constructor(itemId: string) {
    super(`CalendarItem ${itemId} already exists`, { itemId });
  }
}

/** A rule on the command's values (an empty name …). */
export class InvalidCalendarItemCommandError extends DomainError {
  readonly code = 'CALENDAR_ITEM.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}
