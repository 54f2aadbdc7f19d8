import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { allowedScope, parseScope } from '../../entity/token/scope.js';
import { mfaRequired } from '../../entity/second-factor/second-factor.js';
import {
  BAD_CREDENTIALS,
  BAD_ONE_TIME_CODE,
  EMAIL_NOT_VERIFIED,
  ENROLMENT_REQUIRED,
  InvalidGrantError,
  LoginThrottledError,
  OTP_REQUIRED,
  SecondFactorRequiredError,
} from '../../entity/token/token.errors.js';
import type { ActiveUser } from '../../entity/user/user.state.js';
import { normaliseEmail } from '../../entity/user/email.js';
import { ACCESS_TOKENS, type AccessTokensPort } from '../port/access-tokens.port.js';
import { CLOCK, type ClockPort, IDENTITY_SETTINGS, type IdentitySettings } from '../port/identity-settings.port.js';
import { LOGIN_ATTEMPTS, type LoginAttemptsPort } from '../port/login-attempts.port.js';
import { HashingBusyError, PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import { TOTP, TOTP_FACTORS, type TotpFactorsPort, type TotpPort } from '../port/totp.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { checkSecondFactor } from '../totp/second-factor.js';
import { issueUserTokens, type TokenResponse } from '../token-response.js';
import { PasswordGrantCommand } from './password-grant.command.js';

/**
 * Password grant: checks the password, then issues an access token and the first refresh token of
 * a new family. An unknown e-mail and a wrong password give the same InvalidGrantError after the
 * same hashing work, so neither answer nor timing reveals an account.
 *
 * Throttling (no hard lockout): every attempt is admitted by LoginAttemptsPort BEFORE the
 * password is checked, counting a failure in advance per account and per client IP atomically, so
 * parallel attempts cannot all slip through on one stale count. Past the free failures each key
 * is delayed progressively (1 s doubling, capped); an attempt during a delay is refused with
 * LoginThrottledError and costs no hashing. Success forgets the account's failures.
 *
 * Second factor: an account with TOTP needs `otp` too (the code of the ±1 step window, once, or a
 * recovery code, once; wrong codes throttled per user) — without it SecondFactorRequiredError
 * (`invalid_grant`, `mfa_required: true`); `amr` is then `["pwd","otp"]`. An account whose role is
 * in `mfaRequiredRoles` but has no TOTP is refused (SecondFactorRequiredError): it enrols on the
 * authorization endpoint's sign-in page.
 * @throws InvalidGrantError, LoginThrottledError, InvalidScopeError, SecondFactorRequiredError
 */
@CommandHandler(PasswordGrantCommand)
export class PasswordGrantUseCase implements ICommandHandler<PasswordGrantCommand, TokenResponse> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttemptsPort,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokensPort,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStorePort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(TOTP_FACTORS) private readonly factors: TotpFactorsPort,
    @Inject(TOTP) private readonly totp: TotpPort,
  ) {}

  async execute({
    username,
    password,
    scope: requested,
    clientIp,
    otp,
    userAgent,
  }: PasswordGrantCommand): Promise<TokenResponse> {
    const scope = allowedScope(parseScope(requested), this.settings.userScopes);
    const email = normaliseEmail(username);
    const now = this.clock.now();
    const accountKey = `account:${email}`;
    const ipKeys = clientIp ? [`ip:${clientIp}`] : [];
    const admission = await this.attempts.begin(
      [
        { key: accountKey, policy: this.settings.loginAccountThrottle },
        ...ipKeys.map((key) => ({ key, policy: this.settings.loginIpThrottle })),
      ],
      now,
      this.settings.loginWindowSeconds,
    );
    if (!admission.admitted) throw new LoginThrottledError(admission.retryAfterSeconds);
    const credentials = await this.users.findCredentials(email);
    // Not decided when the hashing queue is full (503): the failure counted in advance is given back.
    const matches = await this.hasher.verify(password, credentials?.passwordHash).catch(async (error: unknown) => {
      if (error instanceof HashingBusyError) await this.attempts.refund([accountKey, ...ipKeys]);
      throw error;
    });
    if (!credentials || !matches) throw new InvalidGrantError(BAD_CREDENTIALS);
    await this.attempts.succeeded(accountKey, ipKeys);
    const { state } = await this.users.load(credentials.userId);
    if (state.status !== 'active') throw new InvalidGrantError(BAD_CREDENTIALS);
    if (this.settings.requireVerifiedEmail && !state.emailVerified) throw new InvalidGrantError(EMAIL_NOT_VERIFIED);
    const amr = await this.secondFactor(state, otp, now);

    const { sessionId: _sid, ...response } = await issueUserTokens(
      { tokens: this.tokens, refreshTokens: this.refreshTokens, settings: this.settings },
      state,
      scope,
      {
        login: { ...(clientIp && { ip: clientIp }), ...(userAgent && { userAgent }), authTime: now.toISOString(), amr },
      },
      now,
    );
    return response;
  }

  /** The `amr` of this sign-in once the second factor (if any) is checked. */
  private async secondFactor(user: ActiveUser, otp: string | undefined, now: Date): Promise<string[]> {
    const factor = await this.factors.find(user.id);
    if (factor?.status !== 'active') {
      if (mfaRequired(user.roles, this.settings.mfaRequiredRoles ?? []))
        throw new SecondFactorRequiredError(ENROLMENT_REQUIRED);
      return ['pwd'];
    }
    if (otp === undefined || otp === '') throw new SecondFactorRequiredError(OTP_REQUIRED);
    const deps = { factors: this.factors, totp: this.totp, attempts: this.attempts, settings: this.settings };
    const check = await checkSecondFactor(deps, factor, otp, now);
    if (check.ok) return ['pwd', 'otp'];
    if (check.retryAfterSeconds !== undefined) throw new LoginThrottledError(check.retryAfterSeconds);
    throw new InvalidGrantError(BAD_ONE_TIME_CODE);
  }
}
