/** A NotificationsItem as the list shows it. */
export interface NotificationsItemView {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly createdAt: string;
}

/** One page of a keyset-paginated list; `nextCursor` is opaque, `null` on the last page. */
export interface NotificationsItemPage {
  readonly items: readonly NotificationsItemView[];
  readonly nextCursor: string | null;
}

/** Thrown for a cursor this service did not hand out. */
export class InvalidCursorError extends Error {
  readonly code = 'PAGINATION.INVALID_CURSOR';
  constructor() {
    super('cursor is not valid');
  }
}

/** The notifications-item list projection (eventually consistent with the event store). */
export interface NotificationsItemReadModelPort {
  /** @throws InvalidCursorError */
  list(limit: number, cursor?: string): Promise<NotificationsItemPage>;
  /** Asks the projection to catch up now (after a write), without waiting. */
  refresh(): void;
}

export const NOTIFICATIONS_ITEM_READ_MODEL = Symbol('NotificationsItemReadModelPort');
