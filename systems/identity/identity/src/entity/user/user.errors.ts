import { DomainError } from '@archipelago/util-decider';

/** No user with this id. */
export class UserNotFoundError extends DomainError {
  readonly code = 'USER.NOT_FOUND';
  constructor(userId: string) {
    super(`User ${userId} does not exist`, { userId });
  }
}

/** The user stream already exists (same id). */
export class UserAlreadyExistsError extends DomainError {
  readonly code = 'USER.ALREADY_EXISTS';
  constructor(userId: string) {
    super(`User ${userId} already exists`, { userId });
  }
}

/** Another account uses this e-mail address (compared case-insensitively). */
export class EmailTakenError extends DomainError {
  readonly code = 'USER.EMAIL_TAKEN';
  constructor() {
    // The address is not echoed: the caller sent it, and logs must not collect addresses.
    super('An account with this e-mail address already exists');
  }
}

/** A rule on the command's values (empty display name, unknown role …). */
export class InvalidUserCommandError extends DomainError {
  readonly code = 'USER.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}

/**
 * An admin's change to their own account that would lock them out of administration: disabling
 * themself, or removing their own `admin` role (400). Another admin can do it; with only one admin,
 * nobody could undo it.
 */
export class SelfLockoutError extends DomainError {
  readonly code = 'USER.SELF_LOCKOUT';
  constructor(detail: string) {
    super(detail);
  }
}

/**
 * An e-mailed token (verification or password reset link) that does not work: unknown, already
 * used, superseded by a newer one, expired, or its account changed since. Deliberately one error
 * for all of these (400).
 */
export class EmailTokenInvalidError extends DomainError {
  readonly code = 'USER.EMAIL_TOKEN_INVALID';
  constructor() {
    super('The link is invalid, expired or was already used; ask for a new one');
  }
}
