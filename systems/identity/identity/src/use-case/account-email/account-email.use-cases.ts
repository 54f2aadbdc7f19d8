import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LoginThrottledError } from '../../entity/token/token.errors.js';
import { normaliseEmail } from '../../entity/user/email.js';
import { EmailTokenInvalidError, InvalidUserCommandError, UserNotFoundError } from '../../entity/user/user.errors.js';
import type { ActiveUser } from '../../entity/user/user.state.js';
import { handleUserCommand } from '../handle-user-command.js';
import type { CommandContext } from '../port/command-context.js';
import { EMAIL_TOKENS, type EmailTokenOwner, type EmailTokensPort } from '../port/email-tokens.port.js';
import { CLOCK, type ClockPort, IDENTITY_SETTINGS, type IdentitySettings } from '../port/identity-settings.port.js';
import { LOGIN_ATTEMPTS, type LoginAttemptsPort } from '../port/login-attempts.port.js';
import { PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import { USER_READ_MODEL, type UserReadModelPort } from '../port/user.read-model.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import {
  ConfirmPasswordResetCommand,
  RequestEmailVerificationCommand,
  RequestPasswordResetCommand,
  VerifyEmailCommand,
} from './account-email.messages.js';

/**
 * Marks the address of `owner` verified (idempotent). A token whose account is gone, disabled or
 * has another address now is invalid.
 * @throws EmailTokenInvalidError
 */
async function verifyAddress(
  users: UserRepositoryPort,
  readModel: UserReadModelPort,
  owner: EmailTokenOwner,
  now: Date,
  context: CommandContext,
): Promise<ActiveUser> {
  try {
    const state = await handleUserCommand(
      users,
      readModel,
      { type: 'VerifyEmail', data: { userId: owner.userId, email: owner.email, now: now.toISOString() } },
      context,
    );
    if (state.status !== 'active') throw new EmailTokenInvalidError();
    return state;
  } catch (error) {
    if (error instanceof UserNotFoundError || error instanceof InvalidUserCommandError)
      throw new EmailTokenInvalidError();
    throw error;
  }
}

/**
 * Admits a request that sends a security e-mail: per address (`<kind>:<e-mail>`, whether or not an
 * account has it, so a refusal reveals nothing) and per client IP, with progressive delays.
 * @throws LoginThrottledError (429 with Retry-After)
 */
async function admitEmailRequest(
  attempts: LoginAttemptsPort,
  settings: IdentitySettings,
  kind: string,
  email: string,
  clientIp: string | undefined,
  now: Date,
): Promise<void> {
  const admission = await attempts.begin(
    [
      { key: `${kind}:${email}`, policy: settings.emailRequestThrottle },
      ...(clientIp ? [{ key: `${kind}-ip:${clientIp}`, policy: settings.loginIpThrottle }] : []),
    ],
    now,
    settings.loginWindowSeconds,
  );
  if (!admission.admitted) throw new LoginThrottledError(admission.retryAfterSeconds);
}

/**
 * Uses an e-mail verification token once: the account's address becomes verified (claim
 * `email_verified` in tokens issued from then on). Returns the account.
 * @throws EmailTokenInvalidError (400): unknown, used, superseded or expired token
 */
@CommandHandler(VerifyEmailCommand)
export class VerifyEmailUseCase implements ICommandHandler<VerifyEmailCommand, ActiveUser> {
  constructor(
    @Inject(EMAIL_TOKENS) private readonly emailTokens: EmailTokensPort,
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ token, context }: VerifyEmailCommand): Promise<ActiveUser> {
    const now = this.clock.now();
    const owner = await this.emailTokens.consume('verify-email', token, now);
    if (!owner) throw new EmailTokenInvalidError();
    return verifyAddress(this.users, this.readModel, owner, now, context);
  }
}

/**
 * Sends a new verification link (the previous one stops working) when `email` names an active
 * account whose address is not verified; otherwise nothing. The caller cannot tell which.
 * @throws LoginThrottledError (429)
 */
@CommandHandler(RequestEmailVerificationCommand)
export class RequestEmailVerificationUseCase implements ICommandHandler<RequestEmailVerificationCommand, boolean> {
  constructor(
    @Inject(EMAIL_TOKENS) private readonly emailTokens: EmailTokensPort,
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttemptsPort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  /** @returns whether a link was sent (for tests; the API answers the same either way). */
  async execute({ email: typed, clientIp }: RequestEmailVerificationCommand): Promise<boolean> {
    const now = this.clock.now();
    const email = normaliseEmail(typed);
    await admitEmailRequest(this.attempts, this.settings, 'verify', email, clientIp, now);
    const credentials = await this.users.findCredentials(email);
    if (!credentials) return false;
    const { state } = await this.users.load(credentials.userId);
    if (state.status !== 'active' || state.emailVerified) return false;
    await this.emailTokens.issue(
      'verify-email',
      { userId: state.id, email: state.email },
      now,
      this.settings.emailVerificationTtlSeconds,
    );
    return true;
  }
}

/**
 * Sends a password reset link (single use, `passwordResetTtlSeconds`, superseding the previous one)
 * when `email` names an active account; otherwise nothing. The caller cannot tell which.
 * @throws LoginThrottledError (429)
 */
@CommandHandler(RequestPasswordResetCommand)
export class RequestPasswordResetUseCase implements ICommandHandler<RequestPasswordResetCommand, boolean> {
  constructor(
    @Inject(EMAIL_TOKENS) private readonly emailTokens: EmailTokensPort,
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttemptsPort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  /** @returns whether a link was sent (for tests; the API answers the same either way). */
  async execute({ email: typed, clientIp }: RequestPasswordResetCommand): Promise<boolean> {
    const now = this.clock.now();
    const email = normaliseEmail(typed);
    await admitEmailRequest(this.attempts, this.settings, 'reset', email, clientIp, now);
    const credentials = await this.users.findCredentials(email);
    if (!credentials) return false;
    const { state } = await this.users.load(credentials.userId);
    if (state.status !== 'active') return false;
    await this.emailTokens.issue(
      'reset-password',
      { userId: state.id, email: state.email },
      now,
      this.settings.passwordResetTtlSeconds,
    );
    return true;
  }
}

/**
 * Uses a reset token once: the password is replaced (with `PasswordChangedV1` `how: "reset"`, in
 * the same transaction), EVERY session of the account ends, the
 * account's failed sign-ins are forgotten, and the address counts as verified (the link reached
 * it). The token is checked before hashing (a bad token costs no CPU) and consumed atomically after
 * (a full hashing queue, 503, leaves it usable).
 * @throws EmailTokenInvalidError (400), HashingBusyError (503)
 */
@CommandHandler(ConfirmPasswordResetCommand)
export class ConfirmPasswordResetUseCase implements ICommandHandler<ConfirmPasswordResetCommand, void> {
  constructor(
    @Inject(EMAIL_TOKENS) private readonly emailTokens: EmailTokensPort,
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStorePort,
    @Inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttemptsPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ token, newPassword, context }: ConfirmPasswordResetCommand): Promise<void> {
    if (!(await this.emailTokens.find('reset-password', token, this.clock.now()))) throw new EmailTokenInvalidError();
    const passwordHash = await this.hasher.hash(newPassword);
    const now = this.clock.now();
    const owner = await this.emailTokens.consume('reset-password', token, now);
    if (!owner) throw new EmailTokenInvalidError();
    const { state } = await this.users.load(owner.userId);
    if (state.status !== 'active' || state.email !== owner.email) throw new EmailTokenInvalidError();
    await this.users.setPasswordHash(owner.userId, passwordHash, {
      how: 'reset',
      at: now,
      ...(context.traceparent && { traceparent: context.traceparent }),
    });
    await this.refreshTokens.revokeSubject(owner.userId, now);
    await this.attempts.succeeded(`account:${owner.email}`, []);
    await verifyAddress(this.users, this.readModel, owner, now, context);
  }
}
