import type { UserEvent } from '../../entity/user/user.events.js';
import type { UserState } from '../../entity/user/user.state.js';
import type { CommandContext } from './command-context.js';

/** A user stream folded to its state, with the version to append at. */
export interface LoadedUser {
  readonly state: UserState;
  /** Number of events in the stream (0 = absent). */
  readonly version: number;
  /** `actor` of the stream's first event: who created the account (`identity-bootstrap` for the bootstrap admin). */
  readonly createdBy?: string;
}

/** What a login needs to check a password: the account's id and its password hash. */
export interface UserCredentials {
  readonly userId: string;
  /** Opaque hash from {@link PasswordHasherPort.hash}; never leaves use case and repository. */
  readonly passwordHash: string;
}

/** How and when a password was replaced (the `PasswordChangedV1` it publishes). */
export interface PasswordChange {
  /** `change`: by the owner with the current password; `reset`: with an e-mailed reset link. */
  readonly how: 'change' | 'reset';
  readonly at: Date;
  /** W3C traceparent of the request, carried by the integration event. */
  readonly traceparent?: string;
}

/** Another writer appended to the stream since it was loaded; reload and decide again. */
export class ConcurrencyConflictError extends Error {
  readonly code = 'USER.CONCURRENCY_CONFLICT';
  constructor(userId: string) {
    super(`User ${userId} was changed concurrently`);
  }
}

/** Event-sourced storage of User aggregates plus their credentials (implemented in repository/). */
export interface UserRepositoryPort {
  load(userId: string): Promise<LoadedUser>;
  /**
   * Appends `events` at `expectedVersion` and, in the same transaction, the integration events
   * they imply (outbox) and, for a new user, the e-mail reservation and `passwordHash`.
   * @throws ConcurrencyConflictError when the stream moved on
   * @throws EmailTakenError when a new user's (normalised) e-mail is taken
   */
  save(
    userId: string,
    events: readonly UserEvent[],
    expectedVersion: number,
    context: CommandContext,
    newCredentials?: { readonly passwordHash: string },
  ): Promise<void>;
  /** The credentials of the account with this normalised e-mail, or `undefined`. */
  findCredentials(email: string): Promise<UserCredentials | undefined>;
  /** The password hash of `userId`, or `undefined` for an unknown user. */
  passwordHashOf(userId: string): Promise<string | undefined>;
  /**
   * Replaces the password hash of an existing user and, in the same transaction, publishes
   * `PasswordChangedV1` (outbox; never the password or the hash) saying `how` it happened, at `at`.
   */
  setPasswordHash(userId: string, passwordHash: string, change: PasswordChange): Promise<void>;
}

export const USER_REPOSITORY = Symbol('UserRepositoryPort');
