import { DomainError } from '@archipelago/util-decider';

/** How many recovery codes a confirmed TOTP enrolment gives (each works once). */
export const RECOVERY_CODE_COUNT = 10;

/** A TOTP code: 6 decimal digits (RFC 6238 with the usual authenticator-app parameters). */
const TOTP_CODE = /^\d{6}$/;

/** An e-mailed one-time code (the fallback factor): 8 decimal digits. */
const EMAIL_CODE = /^\d{8}$/;

/** Lifetime of an e-mailed one-time code, seconds. */
export const EMAIL_OTP_TTL_SECONDS = 600;

/**
 * A recovery code as shown to the user: 16 characters of Crockford base32 in four groups
 * (`xxxx-xxxx-xxxx-xxxx`, 80 random bits: too many to guess even offline from a SHA-256).
 */
const RECOVERY_CODE = /^[0-9a-hjkmnp-tv-z]{16}$/;
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** RFC 8176 authentication method references identity puts in `amr`. */
export type AuthenticationMethod = 'pwd' | 'otp';

/** What a one-time code typed by the user is: a TOTP code, a recovery code, or neither. */
export type SecondFactorInput =
  | { readonly kind: 'totp'; readonly code: string }
  | { readonly kind: 'recovery'; readonly code: string }
  | { readonly kind: 'email'; readonly code: string }
  | { readonly kind: 'malformed' };

/**
 * Classifies what the user typed: spaces and dashes are ignored and letters lower-cased, so
 * `123 456` is a TOTP code, `1234 5678` an e-mailed code and `ABCD-EFGH-JKMN-PQRS` a recovery code (its normalised form
 * `abcdefghjkmnpqrs` is what is hashed).
 */
export function parseSecondFactor(typed: string): SecondFactorInput {
  const compact = typed.replace(/[\s-]/g, '').toLowerCase();
  if (TOTP_CODE.test(compact)) return { kind: 'totp', code: compact };
  if (RECOVERY_CODE.test(compact)) return { kind: 'recovery', code: compact };
  if (EMAIL_CODE.test(compact)) return { kind: 'email', code: compact };
  return { kind: 'malformed' };
}

/**
 * A new recovery code from 10 random bytes (80 bits, Crockford base32), formatted for display as
 * `xxxx-xxxx-xxxx-xxxx`. `random` fills the buffer (Web Crypto's getRandomValues in production).
 */
export function newRecoveryCode(random: (bytes: Uint8Array) => Uint8Array): string {
  const bytes = random(new Uint8Array(10));
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** The normalised form of a recovery code (what is hashed and compared). */
export const normaliseRecoveryCode = (code: string): string => code.replace(/[\s-]/g, '').toLowerCase();

/**
 * Whether a user with `roles` must have a second factor: any role in `requiredRoles`
 * (`IDENTITY_MFA_REQUIRED_ROLES`, e.g. `admin` in production, empty locally).
 */
export const mfaRequired = (roles: readonly string[], requiredRoles: readonly string[]): boolean =>
  roles.some((role) => requiredRoles.includes(role));

/** Enrolment asked while a confirmed authenticator exists: remove it first (409). */
export class TotpAlreadyEnabledError extends DomainError {
  readonly code = 'TOTP.ALREADY_ENABLED';
  constructor() {
    super('A TOTP authenticator is already enabled: remove it before enrolling another');
  }
}

/** Confirmation or removal without an enrolment in the needed state (404). */
export class TotpNotEnrolledError extends DomainError {
  readonly code = 'TOTP.NOT_ENROLLED';
  constructor(detail = 'No TOTP enrolment to act on: start one with POST /identity/v1/users/me/totp') {
    super(detail);
  }
}

/** The one-time code (TOTP or recovery code) is wrong, already used, or outside the ±1 step window (400). */
export class InvalidOneTimeCodeError extends DomainError {
  readonly code = 'TOTP.INVALID_CODE';
  constructor() {
    super('The one-time code is incorrect or was already used');
  }
}
