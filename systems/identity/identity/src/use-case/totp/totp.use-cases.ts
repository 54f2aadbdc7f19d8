import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  InvalidOneTimeCodeError,
  mfaRequired,
  TotpAlreadyEnabledError,
  TotpNotEnrolledError,
} from '../../entity/second-factor/second-factor.js';
import { LoginThrottledError } from '../../entity/token/token.errors.js';
import { UserNotFoundError } from '../../entity/user/user.errors.js';
import { handleUserCommand } from '../handle-user-command.js';
import { CLOCK, type ClockPort, IDENTITY_SETTINGS, type IdentitySettings } from '../port/identity-settings.port.js';
import { LOGIN_ATTEMPTS, type LoginAttemptsPort } from '../port/login-attempts.port.js';
import { PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { TOTP, TOTP_FACTORS, type TotpFactorsPort, type TotpPort } from '../port/totp.port.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import { USER_READ_MODEL, type UserReadModelPort } from '../port/user.read-model.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { verifyCurrentPassword } from './current-password.js';
import { beginEnrolment, checkSecondFactor, confirmEnrolment } from './second-factor.js';
import {
  BeginTotpEnrolmentCommand,
  ConfirmTotpEnrolmentCommand,
  DisableTotpCommand,
  GetTotpStatusQuery,
  ResetTotpCommand,
  type TotpEnrolment,
  type TotpStatus,
} from './totp.messages.js';

/**
 * The caller's second-factor status: none, pending or enabled, unused recovery codes, and whether
 * their role requires one. Never the secret.
 * @throws UserNotFoundError (404)
 */
@QueryHandler(GetTotpStatusQuery)
export class GetTotpStatusUseCase implements IQueryHandler<GetTotpStatusQuery, TotpStatus> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(TOTP_FACTORS) private readonly factors: TotpFactorsPort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  async execute({ userId }: GetTotpStatusQuery): Promise<TotpStatus> {
    const { state } = await this.users.load(userId);
    if (state.status !== 'active') throw new UserNotFoundError(userId);
    const factor = await this.factors.find(userId);
    const status = !factor ? 'none' : factor.status === 'active' ? 'enabled' : 'pending';
    return {
      status,
      recoveryCodesLeft: status === 'enabled' ? await this.factors.recoveryCodesLeft(userId) : 0,
      required: mfaRequired(state.roles, this.settings.mfaRequiredRoles ?? []),
    };
  }
}

/**
 * Starts a TOTP enrolment for the signed-in user: a new secret (pending, replacing an earlier
 * pending one), its `otpauth://` key URI and QR code. Sign-ins do not change until it is confirmed.
 * The current password is required again (throttled like a sign-in): a stolen access token alone
 * cannot bind the attacker's authenticator to the account.
 * @throws UserNotFoundError (404), TotpAlreadyEnabledError (409), WrongCurrentPasswordError (400),
 *   LoginThrottledError (429), HashingBusyError (503)
 */
@CommandHandler(BeginTotpEnrolmentCommand)
export class BeginTotpEnrolmentUseCase implements ICommandHandler<BeginTotpEnrolmentCommand, TotpEnrolment> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(TOTP_FACTORS) private readonly factors: TotpFactorsPort,
    @Inject(TOTP) private readonly totp: TotpPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttemptsPort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ userId, password, clientIp }: BeginTotpEnrolmentCommand): Promise<TotpEnrolment> {
    const { state } = await this.users.load(userId);
    if (state.status !== 'active') throw new UserNotFoundError(userId);
    // Already enabled: answered before any hashing (the caller can read this with GET anyway).
    if ((await this.factors.find(userId))?.status === 'active') throw new TotpAlreadyEnabledError();
    await verifyCurrentPassword(
      { users: this.users, hasher: this.hasher, attempts: this.attempts, settings: this.settings },
      { id: userId, email: state.email },
      password,
      this.clock.now(),
      clientIp,
    );
    const enrolment = await beginEnrolment(
      { factors: this.factors, totp: this.totp },
      userId,
      state.email,
      this.clock.now(),
    );
    if (!enrolment) throw new TotpAlreadyEnabledError();
    return enrolment;
  }
}

/**
 * Confirms the pending enrolment with a current code (±1 step): TOTP becomes required at sign-in,
 * 10 recovery codes are returned (this once; stored hashed), TotpEnabledV1 is published.
 * @throws TotpNotEnrolledError (404), InvalidOneTimeCodeError (400), LoginThrottledError (429)
 */
@CommandHandler(ConfirmTotpEnrolmentCommand)
export class ConfirmTotpEnrolmentUseCase implements ICommandHandler<ConfirmTotpEnrolmentCommand, string[]> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(TOTP_FACTORS) private readonly factors: TotpFactorsPort,
    @Inject(TOTP) private readonly totp: TotpPort,
    @Inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttemptsPort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ userId, code, context }: ConfirmTotpEnrolmentCommand): Promise<string[]> {
    const result = await confirmEnrolment(
      {
        users: this.users,
        readModel: this.readModel,
        factors: this.factors,
        totp: this.totp,
        attempts: this.attempts,
        settings: this.settings,
      },
      userId,
      code,
      this.clock.now(),
      context,
    );
    if ('retryAfterSeconds' in result) throw new LoginThrottledError(result.retryAfterSeconds);
    return result.recoveryCodes;
  }
}

/**
 * Removes the user's authenticator and recovery codes (a pending enrolment too). The user proves
 * it is them with the current password (throttled like a sign-in) or a current one-time code
 * (TOTP or recovery code). Publishes TotpDisabledV1 when an active factor was removed.
 * @throws TotpNotEnrolledError (404), WrongCurrentPasswordError (400), InvalidOneTimeCodeError
 *   (400), LoginThrottledError (429), HashingBusyError (503)
 */
@CommandHandler(DisableTotpCommand)
export class DisableTotpUseCase implements ICommandHandler<DisableTotpCommand, void> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(TOTP_FACTORS) private readonly factors: TotpFactorsPort,
    @Inject(TOTP) private readonly totp: TotpPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttemptsPort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ userId, proof, context, clientIp }: DisableTotpCommand): Promise<void> {
    const now = this.clock.now();
    const { state } = await this.users.load(userId);
    if (state.status !== 'active') throw new UserNotFoundError(userId);
    const factor = await this.factors.find(userId);
    if (!factor) throw new TotpNotEnrolledError('No TOTP authenticator to remove');
    if (proof.code !== undefined && factor.status === 'active') {
      const check = await checkSecondFactor(
        { factors: this.factors, totp: this.totp, attempts: this.attempts, settings: this.settings },
        factor,
        proof.code,
        now,
      );
      if (check.ok === false && check.retryAfterSeconds !== undefined)
        throw new LoginThrottledError(check.retryAfterSeconds);
      if (!check.ok) throw new InvalidOneTimeCodeError();
    } else {
      await verifyCurrentPassword(
        { users: this.users, hasher: this.hasher, attempts: this.attempts, settings: this.settings },
        { id: userId, email: state.email },
        proof.password ?? '',
        now,
        clientIp,
      );
    }
    await this.factors.remove(userId);
    await handleUserCommand(
      this.users,
      this.readModel,
      { type: 'DisableTotp', data: { userId, now: now.toISOString() } },
      context,
    );
  }
}

/**
 * Admin reset: removes the user's authenticator and recovery codes (the user lost both) and ends
 * every session of the user; the next sign-in needs the password only (or enrols again when the
 * role requires a second factor). Publishes TotpDisabledV1 (the user is told).
 * @throws UserNotFoundError (404), TotpNotEnrolledError (404)
 */
@CommandHandler(ResetTotpCommand)
export class ResetTotpUseCase implements ICommandHandler<ResetTotpCommand, void> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(USER_READ_MODEL) private readonly readModel: UserReadModelPort,
    @Inject(TOTP_FACTORS) private readonly factors: TotpFactorsPort,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStorePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ userId, context }: ResetTotpCommand): Promise<void> {
    const now = this.clock.now();
    const { state } = await this.users.load(userId);
    if (state.status === 'absent') throw new UserNotFoundError(userId);
    if (!(await this.factors.remove(userId))) throw new TotpNotEnrolledError('The user has no TOTP authenticator');
    await handleUserCommand(
      this.users,
      this.readModel,
      { type: 'DisableTotp', data: { userId, now: now.toISOString() } },
      context,
    );
    await this.refreshTokens.revokeSubject(userId, now);
  }
}
