import { LoginThrottledError } from '../../entity/token/token.errors.js';
import { WrongCurrentPasswordError } from '../change-password/change-password.use-case.js';
import type { IdentitySettings } from '../port/identity-settings.port.js';
import type { LoginAttemptsPort } from '../port/login-attempts.port.js';
import { HashingBusyError, type PasswordHasherPort } from '../port/password-hasher.port.js';
import type { UserRepositoryPort } from '../port/user.repository.port.js';

/** What re-checking the signed-in user's password needs. */
export interface CurrentPasswordDeps {
  readonly users: UserRepositoryPort;
  readonly hasher: PasswordHasherPort;
  readonly attempts: LoginAttemptsPort;
  readonly settings: IdentitySettings;
}

/**
 * The password re-prompt of sensitive account changes (TOTP enrolment and removal): a bearer token
 * alone is not enough, the user types the current password again. Admitted by the sign-in
 * throttle first (per account and client IP, a failure counted in advance), so a stolen token
 * cannot be used to guess the password faster than the sign-in page allows.
 * @throws LoginThrottledError (429), WrongCurrentPasswordError (400), HashingBusyError (503; the
 *   attempt is refunded)
 */
export async function verifyCurrentPassword(
  deps: CurrentPasswordDeps,
  user: { readonly id: string; readonly email: string },
  password: string,
  now: Date,
  clientIp?: string,
): Promise<void> {
  const accountKey = `account:${user.email}`;
  const ipKeys = clientIp ? [`ip:${clientIp}`] : [];
  const admission = await deps.attempts.begin(
    [
      { key: accountKey, policy: deps.settings.loginAccountThrottle },
      ...ipKeys.map((key) => ({ key, policy: deps.settings.loginIpThrottle })),
    ],
    now,
    deps.settings.loginWindowSeconds,
  );
  if (!admission.admitted) throw new LoginThrottledError(admission.retryAfterSeconds);
  const hash = await deps.users.passwordHashOf(user.id);
  const matches = await deps.hasher.verify(password, hash).catch(async (error: unknown) => {
    if (error instanceof HashingBusyError) await deps.attempts.refund([accountKey, ...ipKeys]);
    throw error;
  });
  if (!matches) throw new WrongCurrentPasswordError();
  await deps.attempts.succeeded(accountKey, ipKeys);
}
