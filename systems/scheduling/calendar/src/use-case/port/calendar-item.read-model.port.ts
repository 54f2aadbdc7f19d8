/** A CalendarItem as the list shows it. */
export interface CalendarItemView {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly createdAt: string;
}

/** One page of a keyset-paginated list; `nextCursor` is opaque, `null` on the last page. */
export interface CalendarItemPage {
  readonly items: readonly CalendarItemView[];
  readonly nextCursor: string | null;
}

/** Thrown for a cursor this service did not hand out. */
export class InvalidCursorError extends Error {
  readonly code = 'PAGINATION.INVALID_CURSOR';
  constructor() {
    super('cursor is not valid');
  }
}

/** The calendar-item list projection (eventually consistent with the event store). */
export interface CalendarItemReadModelPort {
  /** @throws InvalidCursorError */
  list(limit: number, cursor?: string): Promise<CalendarItemPage>;
  /** Asks the projection to catch up now (after a write), without waiting. */
  refresh(): void;
}

export const CALENDAR_ITEM_READ_MODEL = Symbol('CalendarItemReadModelPort');
