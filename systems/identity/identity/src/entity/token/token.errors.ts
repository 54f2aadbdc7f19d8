import { DomainError } from '@archipelago/util-decider';

/** The `error` codes of an RFC 6749 §5.2 token error response that this server emits. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target';

/**
 * A refused token request (RFC 6749 §5.2). The message is the `error_description`, safe to show:
 * it never says whether an account exists.
 */
export abstract class TokenRequestError extends DomainError {
  abstract readonly oauthError: OAuthErrorCode;
}

/** Malformed request: missing or repeated parameter, bad value (400). */
export class InvalidTokenRequestError extends TokenRequestError {
  readonly code = 'OAUTH.INVALID_REQUEST';
  readonly oauthError = 'invalid_request';
}

/** Wrong credentials, unknown account, locked account, used/expired/revoked refresh token (400). */
export class InvalidGrantError extends TokenRequestError {
  readonly code = 'OAUTH.INVALID_GRANT';
  readonly oauthError = 'invalid_grant';
}

/** Client authentication failed (401 with `WWW-Authenticate: Basic`). */
export class InvalidClientError extends TokenRequestError {
  readonly code = 'OAUTH.INVALID_CLIENT';
  readonly oauthError = 'invalid_client';
}

/** A `grant_type` this server does not support (400). */
export class UnsupportedGrantTypeError extends TokenRequestError {
  readonly code = 'OAUTH.UNSUPPORTED_GRANT_TYPE';
  readonly oauthError = 'unsupported_grant_type';
}

/** The same answer for a wrong password, an unknown e-mail and a disabled account. */
export const BAD_CREDENTIALS = 'The user name or password is incorrect';

/** Why a correct password gets no token while verification is required (`IDENTITY_REQUIRE_VERIFIED_EMAIL`). */
export const EMAIL_NOT_VERIFIED =
  'The e-mail address of this account is not verified yet: follow the link we sent, or ask for a new one';

/**
 * Too many failed sign-ins for this account or from this address: retry after
 * `retryAfterSeconds` (429 with `Retry-After`; the password was not checked). Said alike for
 * unknown e-mails, so it reveals no account.
 */
export class LoginThrottledError extends TokenRequestError {
  readonly code = 'OAUTH.THROTTLED';
  readonly oauthError = 'invalid_grant';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-in attempts; retry in ${retryAfterSeconds} s`);
  }
}

/** A malformed scope, or a refresh asking for more than the original grant (400). */
export class InvalidScopeError extends TokenRequestError {
  readonly code = 'OAUTH.INVALID_SCOPE';
  readonly oauthError = 'invalid_scope';
}

/** A `resource` (RFC 8707 §2) the client may not get a token for (400 `invalid_target`). */
export class InvalidTargetError extends TokenRequestError {
  readonly code = 'OAUTH.INVALID_TARGET';
  readonly oauthError = 'invalid_target';
}

/**
 * The password was right, but the account needs a second factor (400 `invalid_grant` with the
 * extension member `mfa_required: true`): repeat the password grant with `otp` (the TOTP code or a
 * recovery code), or, when the account has none yet and its role requires one, enrol through the
 * authorization endpoint's sign-in page.
 */
export class SecondFactorRequiredError extends TokenRequestError {
  readonly code = 'OAUTH.MFA_REQUIRED';
  readonly oauthError = 'invalid_grant';
}

/** `error_description` when the password grant lacks `otp` for an account with TOTP. */
export const OTP_REQUIRED =
  'A second factor is required: repeat the request with otp (the 6-digit code of the authenticator app, or a recovery code)';

/** `error_description` when a role requires a second factor the account has not set up. */
export const ENROLMENT_REQUIRED =
  'This account must set up a second factor first: sign in through the authorization endpoint (/identity/v1/authorize) to enrol an authenticator app';

/** `error_description` for a wrong, replayed or expired one-time code. */
export const BAD_ONE_TIME_CODE = 'The one-time code is incorrect or was already used';
