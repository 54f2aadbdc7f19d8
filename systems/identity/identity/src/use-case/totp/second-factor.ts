import {
  InvalidOneTimeCodeError,
  newRecoveryCode,
  normaliseRecoveryCode,
  parseSecondFactor,
  RECOVERY_CODE_COUNT,
  TotpNotEnrolledError,
} from '../../entity/second-factor/second-factor.js';
import type { CommandContext } from '../port/command-context.js';
import type { IdentitySettings } from '../port/identity-settings.port.js';
import type { EmailOtpsPort } from '../port/email-otps.port.js';
import type { LoginAttemptsPort } from '../port/login-attempts.port.js';
import type { TotpFactor, TotpFactorsPort, TotpPort } from '../port/totp.port.js';
import type { UserReadModelPort } from '../port/user.read-model.port.js';
import type { UserRepositoryPort } from '../port/user.repository.port.js';
import { handleUserCommand } from '../handle-user-command.js';
import type { TotpEnrolment } from './totp.messages.js';

/** What checking a second factor needs. */
export interface SecondFactorDeps {
  readonly factors: TotpFactorsPort;
  readonly totp: TotpPort;
  readonly attempts: LoginAttemptsPort;
  readonly settings: IdentitySettings;
  /** E-mailed one-time codes (the fallback factor); without it only TOTP and recovery codes count. */
  readonly emailOtps?: EmailOtpsPort;
}

/** The answer of {@link checkSecondFactor}. */
export type SecondFactorCheck =
  | { readonly ok: true; readonly method: 'totp' | 'recovery' | 'email' }
  | { readonly ok: false; readonly retryAfterSeconds?: number };

/** Throttle key of one-time codes: per user, with the account policy. */
const otpKey = (userId: string): string => `otp:${userId}`;

/**
 * Checks a one-time code against an ACTIVE factor: a TOTP code of the steps now −1, now, now +1
 * (RFC 6238 §5.2; accepted only when later than the last accepted step, so a code works once and
 * an older one never after a newer), an unused recovery code (then used up), or the live e-mailed
 * code (8 digits, when `deps.emailOtps` is given; then used up). Wrong codes are
 * throttled per user like failed sign-ins (progressive delays, counted before checking);
 * `retryAfterSeconds` says the attempt was refused unchecked.
 */
export async function checkSecondFactor(
  deps: SecondFactorDeps,
  factor: TotpFactor,
  typed: string,
  now: Date,
): Promise<SecondFactorCheck> {
  const key = otpKey(factor.userId);
  const admission = await deps.attempts.begin(
    [{ key, policy: deps.settings.loginAccountThrottle }],
    now,
    deps.settings.loginWindowSeconds,
  );
  if (!admission.admitted) return { ok: false, retryAfterSeconds: admission.retryAfterSeconds };
  const input = parseSecondFactor(typed);
  let method: 'totp' | 'recovery' | 'email' | undefined;
  if (input.kind === 'totp') {
    const step = deps.totp.matchStep(factor.secret, input.code, now);
    if (step !== undefined && (await deps.factors.useStep(factor.userId, step, now))) method = 'totp';
  } else if (input.kind === 'recovery') {
    if (await deps.factors.useRecoveryCode(factor.userId, input.code, now)) method = 'recovery';
  } else if (input.kind === 'email' && deps.emailOtps) {
    if (await deps.emailOtps.consume(factor.userId, input.code, now)) method = 'email';
  }
  if (!method) return { ok: false };
  await deps.attempts.succeeded(key, []);
  return { ok: true, method };
}

/** A new pending enrolment for `userId` (label: the e-mail address). False: a factor is already active. */
export async function beginEnrolment(
  deps: Pick<SecondFactorDeps, 'factors' | 'totp'>,
  userId: string,
  email: string,
  now: Date,
): Promise<TotpEnrolment | undefined> {
  const secret = deps.totp.newSecret();
  if (!(await deps.factors.savePending(userId, secret, now))) return undefined;
  return enrolmentFor(deps.totp, secret, email);
}

/** The key URI, QR code and secret of a (pending) `secret`, for showing the enrolment again. */
export async function enrolmentFor(totp: TotpPort, secret: string, email: string): Promise<TotpEnrolment> {
  const otpauthUri = totp.keyUri(secret, email);
  return { otpauthUri, qrCodeSvg: await totp.qrCodeSvg(otpauthUri), secret };
}

/**
 * Confirms a PENDING enrolment with its first code (±1 step, throttled like any code): the factor
 * becomes active, {@link RECOVERY_CODE_COUNT} recovery codes are made (returned once, stored
 * hashed) and `TotpEnabled` is recorded (TotpEnabledV1).
 * @throws TotpNotEnrolledError when nothing is pending, InvalidOneTimeCodeError for a wrong code
 * @returns the recovery codes, or `{ retryAfterSeconds }` when throttled
 */
export async function confirmEnrolment(
  deps: SecondFactorDeps & { users: UserRepositoryPort; readModel: UserReadModelPort },
  userId: string,
  typed: string,
  now: Date,
  context: CommandContext,
): Promise<{ recoveryCodes: string[] } | { retryAfterSeconds: number }> {
  const factor = await deps.factors.find(userId);
  if (factor?.status !== 'pending') throw new TotpNotEnrolledError();
  const key = otpKey(userId);
  const admission = await deps.attempts.begin(
    [{ key, policy: deps.settings.loginAccountThrottle }],
    now,
    deps.settings.loginWindowSeconds,
  );
  if (!admission.admitted) return { retryAfterSeconds: admission.retryAfterSeconds };
  const input = parseSecondFactor(typed);
  const step = input.kind === 'totp' ? deps.totp.matchStep(factor.secret, input.code, now) : undefined;
  if (step === undefined) throw new InvalidOneTimeCodeError();
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    newRecoveryCode((bytes) => globalThis.crypto.getRandomValues(bytes)),
  );
  const normalised = recoveryCodes.map(normaliseRecoveryCode);
  if (!(await deps.factors.activate(userId, step, normalised, now))) throw new TotpNotEnrolledError();
  await deps.attempts.succeeded(key, []);
  await handleUserCommand(
    deps.users,
    deps.readModel,
    { type: 'EnableTotp', data: { userId, now: now.toISOString() } },
    context,
  );
  return { recoveryCodes };
}
