import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from './auth.errors.js';
import { callerFromClaims } from './caller.js';

const user = { sub: 'u-1', roles: ['customer'], email: 'ann@example.com' };

describe('callerFromClaims: email_verified (OpenID Connect Core §5.1)', () => {
  it('reads email_verified: true as a verified e-mail, false or absent as not verified', () => {
    expect(callerFromClaims({ ...user, email_verified: true })).toMatchObject({
      email: 'ann@example.com',
      emailVerified: true,
      kind: 'user',
    });
    expect(callerFromClaims({ ...user, email_verified: false }).emailVerified).toBe(false);
    expect(callerFromClaims(user).emailVerified).toBe(false);
  });

  it('never calls a verified flag without an e-mail verified (a service client)', () => {
    expect(callerFromClaims({ sub: 'svc', email_verified: true })).toMatchObject({
      kind: 'client',
      emailVerified: false,
    });
  });

  it('refuses a token whose email_verified is not a boolean, as for a bad email claim', () => {
    for (const bad of ['true', 1, null, {}]) {
      expect(() => callerFromClaims({ ...user, email_verified: bad })).toThrow(InvalidTokenError);
    }
    expect(() => callerFromClaims({ ...user, email: 42 })).toThrow(InvalidTokenError);
  });
});
