import type { Decider } from '@archipelago/util-decider';
import { normaliseEmail } from './email.js';
import { roleSet } from './roles.js';
import { InvalidUserCommandError, UserAlreadyExistsError, UserNotFoundError } from './user.errors.js';
import type { UserEvent } from './user.events.js';
import { initialUserState, type UserState } from './user.state.js';

/** Longest display name, in UTF-16 code units. */
export const MAX_DISPLAY_NAME = 100;

/** Commands of the User aggregate. `now` (ISO 8601) comes from outside: decide stays pure. */
export type UserCommand =
  | {
      readonly type: 'RegisterUser';
      readonly data: {
        readonly userId: string;
        readonly email: string;
        readonly displayName: string;
        readonly roles: readonly string[];
        /** Register the address as already verified (bootstrap admin only). */
        readonly emailVerified?: boolean;
        readonly now: string;
      };
    }
  | {
      readonly type: 'ChangeDisplayName';
      readonly data: { readonly userId: string; readonly displayName: string; readonly now: string };
    }
  | {
      readonly type: 'ChangeRoles';
      readonly data: { readonly userId: string; readonly roles: readonly string[]; readonly now: string };
    }
  | { readonly type: 'DisableUser' | 'EnableUser'; readonly data: { readonly userId: string; readonly now: string } }
  | {
      readonly type: 'VerifyEmail';
      /** `email`: the address the proof was sent to; it must still be the account's. */
      readonly data: { readonly userId: string; readonly email: string; readonly now: string };
    }
  | { readonly type: 'EnableTotp' | 'DisableTotp'; readonly data: { readonly userId: string; readonly now: string } };

function displayName(value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > MAX_DISPLAY_NAME) {
    throw new InvalidUserCommandError(`displayName must be 1–${MAX_DISPLAY_NAME} characters`);
  }
  return name;
}

/**
 * Decides the events of a User command. Unchanged values decide no event (idempotent).
 * @throws UserAlreadyExistsError, UserNotFoundError, InvalidUserCommandError
 */
export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser': {
      const { userId, email, roles, now } = command.data;
      if (state.status !== 'absent') throw new UserAlreadyExistsError(userId);
      const data = {
        userId,
        email: normaliseEmail(email),
        displayName: displayName(command.data.displayName),
        roles: roleSet(roles),
        ...(command.data.emailVerified === true && { emailVerified: true }),
        at: now,
      };
      return [{ type: 'UserRegistered', data }];
    }
    case 'ChangeDisplayName': {
      const { userId, now } = command.data;
      if (state.status === 'absent') throw new UserNotFoundError(userId);
      const name = displayName(command.data.displayName);
      return name === state.displayName
        ? []
        : [{ type: 'UserDisplayNameChanged', data: { userId, displayName: name, at: now } }];
    }
    case 'ChangeRoles': {
      const { userId, now } = command.data;
      if (state.status === 'absent') throw new UserNotFoundError(userId);
      const roles = roleSet(command.data.roles);
      const same = roles.length === state.roles.length && roles.every((r, i) => r === state.roles[i]);
      return same ? [] : [{ type: 'UserRolesChanged', data: { userId, roles, at: now } }];
    }
    case 'DisableUser': {
      const { userId, now } = command.data;
      if (state.status === 'absent') throw new UserNotFoundError(userId);
      return state.status === 'disabled' ? [] : [{ type: 'UserDisabled', data: { userId, at: now } }];
    }
    case 'EnableUser': {
      const { userId, now } = command.data;
      if (state.status === 'absent') throw new UserNotFoundError(userId);
      return state.status === 'active' ? [] : [{ type: 'UserEnabled', data: { userId, at: now } }];
    }
    case 'VerifyEmail': {
      const { userId, now } = command.data;
      if (state.status === 'absent') throw new UserNotFoundError(userId);
      const email = normaliseEmail(command.data.email);
      if (email !== state.email) throw new InvalidUserCommandError('the proof was sent to another address');
      return state.emailVerified ? [] : [{ type: 'UserEmailVerified', data: { userId, email, at: now } }];
    }
    case 'EnableTotp': {
      const { userId, now } = command.data;
      if (state.status === 'absent') throw new UserNotFoundError(userId);
      return state.totpEnabled ? [] : [{ type: 'TotpEnabled', data: { userId, at: now } }];
    }
    case 'DisableTotp': {
      const { userId, now } = command.data;
      if (state.status === 'absent') throw new UserNotFoundError(userId);
      return state.totpEnabled ? [{ type: 'TotpDisabled', data: { userId, at: now } }] : [];
    }
  }
}

/** Folds one User event into the state. */
export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const { userId, email, displayName, roles, at } = event.data;
      const emailVerified = event.data.emailVerified === true;
      return { status: 'active', id: userId, email, emailVerified, displayName, roles, createdAt: at, updatedAt: at };
    }
    case 'UserDisplayNameChanged':
      return state.status === 'absent'
        ? state
        : { ...state, displayName: event.data.displayName, updatedAt: event.data.at };
    case 'UserRolesChanged':
      return state.status === 'absent' ? state : { ...state, roles: event.data.roles, updatedAt: event.data.at };
    case 'UserDisabled':
      return state.status === 'absent' ? state : { ...state, status: 'disabled', updatedAt: event.data.at };
    case 'UserEnabled':
      return state.status === 'absent' ? state : { ...state, status: 'active', updatedAt: event.data.at };
    case 'UserEmailVerified':
      return state.status === 'absent' || state.email !== event.data.email
        ? state
        : { ...state, emailVerified: true, updatedAt: event.data.at };
    case 'TotpEnabled':
    case 'TotpDisabled':
      return state.status === 'absent'
        ? state
        : { ...state, totpEnabled: event.type === 'TotpEnabled', updatedAt: event.data.at };
  }
}

/** The User decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  decide: decideUser,
  evolve: evolveUser,
  initialState: initialUserState,
};
