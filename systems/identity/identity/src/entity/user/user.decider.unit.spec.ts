import { deciderSpec } from '@archipelago/testing-decider';
import { describe, expect, it } from 'vitest';
import { userDecider, type UserCommand } from './user.decider.js';
import { InvalidUserCommandError, UserAlreadyExistsError, UserNotFoundError } from './user.errors.js';
import type { UserRegistered } from './user.events.js';

const spec = deciderSpec(userDecider);
const now = '2026-11-21T10:00:00.000Z';
const registered: UserRegistered = {
  type: 'UserRegistered',
  data: { userId: 'u1', email: 'ann@example.com', displayName: 'Ann', roles: ['customer'], at: now },
};
const register = (over: Partial<Extract<UserCommand, { type: 'RegisterUser' }>['data']> = {}): UserCommand => ({
  type: 'RegisterUser',
  data: { userId: 'u1', email: 'ann@example.com', displayName: 'Ann', roles: ['customer'], now, ...over },
});
const roles = (r: string[]): UserCommand => ({ type: 'ChangeRoles', data: { userId: 'u1', roles: r, now } });
const rename = (displayName: string): UserCommand => ({
  type: 'ChangeDisplayName',
  data: { userId: 'u1', displayName, now },
});

describe('User decider', () => {
  it('registers a user with a normalised e-mail and a trimmed name', () =>
    spec
      .given([])
      .when(register({ email: '  Ann@Example.COM ', displayName: ' Ann ' }))
      .then([registered]));
  it('refuses to register the same user twice', () =>
    spec.given([registered]).when(register()).thenThrows(UserAlreadyExistsError));
  it('refuses an unknown role at registration', () =>
    spec
      .given([])
      .when(register({ roles: ['customer', 'root'] }))
      .thenThrows(InvalidUserCommandError, (e) => expect(e.message).toContain('root')));
  it('refuses an empty display name', () =>
    spec
      .given([])
      .when(register({ displayName: '   ' }))
      .thenThrows(InvalidUserCommandError));
  it('renames a user', () =>
    spec
      .given([registered])
      .when(rename('Ann B'))
      .then([{ type: 'UserDisplayNameChanged', data: { userId: 'u1', displayName: 'Ann B', at: now } }]));
  it('decides nothing for the same display name', () => spec.given([registered]).when(rename('Ann')).then([]));
  it('refuses to rename a user that does not exist', () =>
    spec.given([]).when(rename('X')).thenThrows(UserNotFoundError));
  it('replaces roles with a sorted, de-duplicated set', () =>
    spec
      .given([registered])
      .when(roles(['customer', 'admin', 'admin']))
      .then([{ type: 'UserRolesChanged', data: { userId: 'u1', roles: ['admin', 'customer'], at: now } }]));
  it('decides nothing when the roles are the same set', () =>
    spec
      .given([registered])
      .when(roles(['customer', 'customer']))
      .then([]));
  it('refuses unknown roles and an empty role set', () => {
    spec
      .given([registered])
      .when(roles(['superuser']))
      .thenThrows(InvalidUserCommandError);
    spec.given([registered]).when(roles([])).thenThrows(InvalidUserCommandError);
  });
  it('refuses to change roles of a user that does not exist', () =>
    spec
      .given([])
      .when(roles(['admin']))
      .thenThrows(UserNotFoundError));
  it('disables and enables an account, idempotently; an unknown one is not found', () => {
    const disable: UserCommand = { type: 'DisableUser', data: { userId: 'u1', now } };
    const enable: UserCommand = { type: 'EnableUser', data: { userId: 'u1', now } };
    const disabled = { type: 'UserDisabled' as const, data: { userId: 'u1', at: now } };
    spec.given([registered]).when(disable).then([disabled]);
    spec.given([registered, disabled]).when(disable).then([]);
    spec
      .given([registered, disabled])
      .when(enable)
      .then([{ type: 'UserEnabled', data: { userId: 'u1', at: now } }]);
    spec.given([registered]).when(enable).then([]);
    spec.given([]).when(disable).thenThrows(UserNotFoundError);
    expect(userDecider.evolve(userDecider.evolve(userDecider.initialState(), registered), disabled)).toMatchObject({
      status: 'disabled',
      roles: ['customer'],
    });
  });

  it('verifies the e-mail address once; a proof sent to another address is refused', () => {
    const verify = (email = 'ann@example.com'): UserCommand => ({
      type: 'VerifyEmail',
      data: { userId: 'u1', email, now },
    });
    const verified = { type: 'UserEmailVerified' as const, data: { userId: 'u1', email: 'ann@example.com', at: now } };
    spec.given([registered]).when(verify('Ann@Example.com')).then([verified]);
    spec.given([registered, verified]).when(verify()).then([]);
    spec.given([registered]).when(verify('bob@example.com')).thenThrows(InvalidUserCommandError);
    spec.given([]).when(verify()).thenThrows(UserNotFoundError);
    const initial = userDecider.initialState();
    expect(userDecider.evolve(initial, registered)).toMatchObject({ emailVerified: false });
    expect(userDecider.evolve(userDecider.evolve(initial, registered), verified)).toMatchObject({
      emailVerified: true,
    });
  });

  it('registers the bootstrap admin with a verified address when told so', () =>
    spec
      .given([])
      .when(register({ emailVerified: true }))
      .then([{ ...registered, data: { ...registered.data, emailVerified: true } }]));
});
