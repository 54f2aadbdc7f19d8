import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LoginThrottledError } from '../../entity/token/token.errors.js';
import { UserNotFoundError } from '../../entity/user/user.errors.js';
import { CLOCK, type ClockPort, IDENTITY_SETTINGS, type IdentitySettings } from '../port/identity-settings.port.js';
import { EMAIL_TOKENS, type EmailTokensPort } from '../port/email-tokens.port.js';
import { LOGIN_ATTEMPTS, type LoginAttemptsPort } from '../port/login-attempts.port.js';
import { HashingBusyError, PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { ChangePasswordCommand } from './change-password.command.js';

/** The current password asked again (password change, TOTP enrolment or removal) is wrong (400). */
export class WrongCurrentPasswordError extends Error {
  readonly code = 'USER.WRONG_PASSWORD';
  constructor() {
    super('The current password is incorrect');
  }
}

/**
 * Password change: the current password is required (and throttled like a sign-in, per account
 * and IP); the new hash replaces the old (with `PasswordChangedV1` `how: "change"`, a security
 * message, in the same transaction), outstanding password reset links are revoked, and every OTHER
 * session of the user is ended (the one making the change stays). Returns how many sessions were ended.
 * @throws WrongCurrentPasswordError (400), LoginThrottledError (429), UserNotFoundError (404),
 *   HashingBusyError (503)
 */
@CommandHandler(ChangePasswordCommand)
export class ChangePasswordUseCase implements ICommandHandler<ChangePasswordCommand, number> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttemptsPort,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStorePort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(EMAIL_TOKENS) private readonly emailTokens: EmailTokensPort,
  ) {}

  async execute(command: ChangePasswordCommand): Promise<number> {
    const now = this.clock.now();
    const { state } = await this.users.load(command.userId);
    if (state.status !== 'active') throw new UserNotFoundError(command.userId);
    const accountKey = `account:${state.email}`;
    const ipKeys = command.clientIp ? [`ip:${command.clientIp}`] : [];
    const admission = await this.attempts.begin(
      [
        { key: accountKey, policy: this.settings.loginAccountThrottle },
        ...ipKeys.map((key) => ({ key, policy: this.settings.loginIpThrottle })),
      ],
      now,
      this.settings.loginWindowSeconds,
    );
    if (!admission.admitted) throw new LoginThrottledError(admission.retryAfterSeconds);
    const current = await this.users.passwordHashOf(command.userId);
    const matches = await this.hasher.verify(command.currentPassword, current).catch(async (error: unknown) => {
      if (error instanceof HashingBusyError) await this.attempts.refund([accountKey, ...ipKeys]);
      throw error;
    });
    if (!matches) throw new WrongCurrentPasswordError();
    await this.attempts.succeeded(accountKey, ipKeys);
    const passwordHash = await this.hasher.hash(command.newPassword);
    await this.users.setPasswordHash(command.userId, passwordHash, {
      how: 'change',
      at: this.clock.now(),
      ...(command.traceparent && { traceparent: command.traceparent }),
    });
    // Reset links sent before the change stop working.
    await this.emailTokens.revoke('reset-password', command.userId);
    return this.refreshTokens.revokeSubject(command.userId, now, command.currentSessionId);
  }
}
