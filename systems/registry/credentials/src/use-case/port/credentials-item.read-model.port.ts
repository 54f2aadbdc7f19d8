/** A CredentialsItem as the list shows it. */
export interface CredentialsItemView {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly createdAt: string;
}

/** One page of a keyset-paginated list; `nextCursor` is opaque, `null` on the last page. */
export interface CredentialsItemPage {
  readonly items: readonly CredentialsItemView[];
  readonly nextCursor: string | null;
}

/** Thrown for a cursor this service did not hand out. */
export class InvalidCursorError extends Error {
  readonly code = 'PAGINATION.INVALID_CURSOR';
  constructor() {
    super('cursor is not valid');
  }
}

/** The credentials-item list projection (eventually consistent with the event store). */
export interface CredentialsItemReadModelPort {
  /** @throws InvalidCursorError */
  list(limit: number, cursor?: string): Promise<CredentialsItemPage>;
  /** Asks the projection to catch up now (after a write), without waiting. */
  refresh(): void;
}

export const CREDENTIALS_ITEM_READ_MODEL = Symbol('CredentialsItemReadModelPort');
