import type { Role } from './roles.js';

/**
 * A user account was created. `email` is normalised (see `normaliseEmail`). Credentials are not
 * part of any event: the password hash lives in the repository's credentials table only.
 */
export interface UserRegistered {
  readonly type: 'UserRegistered';
  readonly data: {
    readonly userId: string;
    readonly email: string;
    readonly displayName: string;
    readonly roles: readonly Role[];
    /**
     * The address is known to belong to the user from the start (the bootstrap admin, whose
     * address the operator configured). Absent in events before e-mail verification existed: false.
     */
    readonly emailVerified?: boolean;
    /** ISO 8601 timestamp. */
    readonly at: string;
  };
}

/** The user chose another display name. */
export interface UserDisplayNameChanged {
  readonly type: 'UserDisplayNameChanged';
  readonly data: { readonly userId: string; readonly displayName: string; readonly at: string };
}

/** An admin replaced the user's roles; `roles` is the whole new set (sorted, no duplicates). */
export interface UserRolesChanged {
  readonly type: 'UserRolesChanged';
  readonly data: { readonly userId: string; readonly roles: readonly Role[]; readonly at: string };
}

/** An admin disabled the account: no sign-in, no token, sessions ended. */
export interface UserDisabled {
  readonly type: 'UserDisabled';
  readonly data: { readonly userId: string; readonly at: string };
}

/** An admin enabled the disabled account again. */
export interface UserEnabled {
  readonly type: 'UserEnabled';
  readonly data: { readonly userId: string; readonly at: string };
}

/** The user proved they receive mail at the account's address (verification link or password reset). */
export interface UserEmailVerified {
  readonly type: 'UserEmailVerified';
  readonly data: { readonly userId: string; readonly email: string; readonly at: string };
}

/**
 * The user confirmed a TOTP authenticator (RFC 6238): sign-ins now need a second factor. The
 * secret and the recovery codes are not part of any event (repository's `totp_factors` only).
 */
export interface TotpEnabled {
  readonly type: 'TotpEnabled';
  readonly data: { readonly userId: string; readonly at: string };
}

/** The user removed their TOTP authenticator (and its recovery codes). */
export interface TotpDisabled {
  readonly type: 'TotpDisabled';
  readonly data: { readonly userId: string; readonly at: string };
}

/** Every domain event of the User aggregate. */
export type UserEvent =
  | UserRegistered
  | UserDisplayNameChanged
  | UserRolesChanged
  | UserDisabled
  | UserEnabled
  | UserEmailVerified
  | TotpEnabled
  | TotpDisabled;
