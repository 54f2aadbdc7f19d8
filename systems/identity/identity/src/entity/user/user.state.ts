import type { Role } from './roles.js';

/** What an existing account holds. */
interface UserFields {
  readonly id: string;
  /** Normalised e-mail address. */
  readonly email: string;
  /** The user proved they receive mail at `email` (claim `email_verified`). */
  readonly emailVerified: boolean;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** A confirmed TOTP authenticator is required at sign-in (absent: no second factor). */
  readonly totpEnabled?: boolean;
}

/** State of a User stream: nothing before `UserRegistered`; `disabled` between UserDisabled and UserEnabled. */
export type UserState =
  | { readonly status: 'absent' }
  | (UserFields & { readonly status: 'active' })
  | (UserFields & { readonly status: 'disabled' });

/** An existing user, enabled or not. */
export type ExistingUser = Exclude<UserState, { status: 'absent' }>;

/** An existing user who may sign in. */
export type ActiveUser = Extract<UserState, { status: 'active' }>;

export const initialUserState = (): UserState => ({ status: 'absent' });
