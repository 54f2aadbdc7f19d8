import type { Role } from './roles.js';

/** State of a User stream: nothing before `UserRegistered`. */
export type UserState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'active';
      readonly id: string;
      /** Normalised e-mail address. */
      readonly email: string;
      readonly displayName: string;
      readonly roles: readonly Role[];
      readonly createdAt: string;
      readonly updatedAt: string;
    };

/** An existing user. */
export type ActiveUser = Extract<UserState, { status: 'active' }>;

export const initialUserState = (): UserState => ({ status: 'absent' });
