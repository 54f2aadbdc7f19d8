/** A user as the admin list shows it. */
export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  readonly disabled: boolean;
  /** The user proved the address (verification link or password reset). */
  readonly emailVerified: boolean;
  readonly createdAt: string;
}

/** One page of a keyset-paginated list; `nextCursor` is opaque, `null` on the last page. */
export interface UserPage {
  readonly items: readonly UserView[];
  readonly nextCursor: string | null;
}

/** Thrown for a cursor this service did not hand out. */
export class InvalidCursorError extends Error {
  readonly code = 'PAGINATION.INVALID_CURSOR';
  constructor() {
    super('cursor is not valid');
  }
}

/** The user list projection (eventually consistent with the event store). */
export interface UserReadModelPort {
  /** Users in registration order. @throws InvalidCursorError */
  list(limit: number, cursor?: string): Promise<UserPage>;
  /** Asks the projection to catch up now (after a write), without waiting. */
  refresh(): void;
}

export const USER_READ_MODEL = Symbol('UserReadModelPort');
