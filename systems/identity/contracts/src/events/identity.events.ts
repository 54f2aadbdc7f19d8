import { z } from 'zod';

/**
 * Integration events published by identity/identity (its published language). Topic names follow
 * `<system>.<service>.<event-name>.v<major>`; key = user id; CloudEvents `type` =
 * `archipelago.identity.identity.<Name>`. Payloads never carry credentials (no password, no
 * hash). A breaking change gets a new major (new topic); additive optional fields keep the major.
 */
export const userRegisteredV1Schema = z.object({
  /** User id (UUID). */
  id: z.string().uuid(),
  /** E-mail address, normalised to lower case. */
  email: z.string().email(),
  displayName: z.string(),
  roles: z.array(z.string()),
  occurredAt: z.string().datetime(),
});
export type UserRegisteredV1 = z.infer<typeof userRegisteredV1Schema>;

export const userRolesChangedV1Schema = z.object({
  /** User id (UUID). */
  id: z.string().uuid(),
  /** The user's roles after the change (the whole set, not a delta). */
  roles: z.array(z.string()),
  occurredAt: z.string().datetime(),
});
export type UserRolesChangedV1 = z.infer<typeof userRolesChangedV1Schema>;

export const userDisabledV1Schema = z.object({
  /** User id (UUID). The account can no longer sign in; its sessions were ended. */
  id: z.string().uuid(),
  occurredAt: z.string().datetime(),
});
export type UserDisabledV1 = z.infer<typeof userDisabledV1Schema>;

export const userEnabledV1Schema = z.object({
  /** User id (UUID). The account may sign in again. */
  id: z.string().uuid(),
  occurredAt: z.string().datetime(),
});
export type UserEnabledV1 = z.infer<typeof userEnabledV1Schema>;

/**
 * A new account must prove its e-mail address: identity asks the notifications system to send
 * `email` a link with `token` (single use, expires at `expiresAt`; identity stores only its
 * SHA-256). Deliberate trade-off: the clear token travels in this event (topic readable by the
 * notifications system only, short retention) so that the mailer needs no call back into identity;
 * whoever reads the topic could verify the address, nothing more (no sign-in, no password).
 */
export const emailVerificationRequestedV1Schema = z.object({
  /** User id (UUID). */
  id: z.string().uuid(),
  /** The address to verify (normalised), where the message goes. */
  email: z.string().email(),
  /** Single-use verification token (base64url, 256 random bits); `POST /identity/v1/email-verification`. */
  token: z.string().min(20),
  expiresAt: z.string().datetime(),
  occurredAt: z.string().datetime(),
});
export type EmailVerificationRequestedV1 = z.infer<typeof emailVerificationRequestedV1Schema>;

/**
 * Someone tried to register an account with the address of an existing one (the API answered as
 * for a new address, so nothing is revealed to the caller): the owner is told, by e-mail to `email`.
 */
export const registrationAttemptedV1Schema = z.object({
  /** Id (UUID) of the existing account with this address. */
  id: z.string().uuid(),
  /** The existing account's (normalised) address, where the message goes. */
  email: z.string().email(),
  occurredAt: z.string().datetime(),
});
export type RegistrationAttemptedV1 = z.infer<typeof registrationAttemptedV1Schema>;

/**
 * The owner of an account asked to reset its password: the notifications system sends `email` a
 * link with `token` (single use, short-lived, superseded by a newer request, revoked by a password
 * change; identity stores only its SHA-256). Same trade-off as {@link emailVerificationRequestedV1Schema}:
 * whoever reads this topic could reset the password, so it is readable by the notifications system only.
 */
export const passwordResetRequestedV1Schema = z.object({
  /** User id (UUID). */
  id: z.string().uuid(),
  /** The account's (normalised) address, where the message goes. */
  email: z.string().email(),
  /** Single-use reset token (base64url, 256 random bits); `POST /identity/v1/password-reset/confirm`. */
  token: z.string().min(20),
  expiresAt: z.string().datetime(),
  occurredAt: z.string().datetime(),
});
export type PasswordResetRequestedV1 = z.infer<typeof passwordResetRequestedV1Schema>;

export const totpEnabledV1Schema = z.object({
  /** User id (UUID). The user confirmed a TOTP authenticator: sign-ins now need a second factor. */
  id: z.string().uuid(),
  occurredAt: z.string().datetime(),
});
export type TotpEnabledV1 = z.infer<typeof totpEnabledV1Schema>;

export const totpDisabledV1Schema = z.object({
  /** User id (UUID). The user removed their TOTP authenticator: sign-ins need the password only. */
  id: z.string().uuid(),
  occurredAt: z.string().datetime(),
});
export type TotpDisabledV1 = z.infer<typeof totpDisabledV1Schema>;

/**
 * A user who signed in with the right password and has a TOTP authenticator asked for a one-time
 * code by e-mail instead (lost or absent phone; issue 12 §3): the notifications system sends `code`
 * to `email` as a security e-mail only, never in the in-app inbox. The code works once, until
 * `expiresAt` (minutes), for this user only; identity stores only a hash and throttles requests and
 * wrong codes. Same trade-off as {@link passwordResetRequestedV1Schema}: the topic is readable by
 * the notifications system only and kept one day.
 */
export const emailOtpRequestedV1Schema = z.object({
  /** User id (UUID). */
  id: z.string().uuid(),
  /** The account's (normalised) address, where the code goes. */
  email: z.string().email(),
  /** The one-time code: 8 decimal digits. */
  code: z.string().regex(/^\d{8}$/),
  expiresAt: z.string().datetime(),
  occurredAt: z.string().datetime(),
});
export type EmailOtpRequestedV1 = z.infer<typeof emailOtpRequestedV1Schema>;

/**
 * The account's password was replaced (issue 17: a security message, critical for the notifications
 * system): by its owner with the current password (`how: "change"`), or through an e-mailed reset
 * link (`how: "reset"`). Written in the transaction that replaces the hash; never carries the
 * password or its hash.
 */
export const passwordChangedV1Schema = z.object({
  /** User id (UUID). */
  id: z.string().uuid(),
  /** `change`: `PUT /identity/v1/users/me/password`; `reset`: `POST /identity/v1/password-reset/confirm` (or its page). */
  how: z.enum(['change', 'reset']),
  occurredAt: z.string().datetime(),
});
export type PasswordChangedV1 = z.infer<typeof passwordChangedV1Schema>;

/**
 * A sign-in from a device the account has not used lately started a session (issue 17: a security
 * message, critical). "New" = the account has signed in before and this (client id, browser family,
 * network) was not seen for it in the last 90 days; the account's first sign-in is never new
 * (docs/systems/identity.md "New sign-in"). Written in the transaction that stores the session.
 * The network is the /24 (IPv4) or /48 (IPv6) prefix, never the full address: enough for the owner
 * to tell "my home" from "somewhere else", less personal data in mailboxes and topics.
 */
export const newSignInDetectedV1Schema = z.object({
  /** User id (UUID). */
  id: z.string().uuid(),
  /** The session (refresh-token family, the tokens' `sid`) the sign-in started: `DELETE /identity/v1/users/me/sessions/{id}` ends it. */
  sessionId: z.string().uuid(),
  /** OAuth client of the sign-in (authorization code grant); absent for the password grant. */
  clientId: z.string().optional(),
  /** The `User-Agent` header of the sign-in request, at most 256 characters (`""` when absent). */
  userAgent: z.string().max(256),
  /** Browser family and operating system read from `userAgent`, e.g. `Firefox on Linux`, `curl`, or `unknown`. */
  device: z.string(),
  /** Approximate network: the client address's /24 (IPv4) or /48 (IPv6) prefix in CIDR notation; absent when unknown. */
  network: z.string().optional(),
  occurredAt: z.string().datetime(),
});
export type NewSignInDetectedV1 = z.infer<typeof newSignInDetectedV1Schema>;

/** Topic and CloudEvents type of each identity integration event. */
export const IDENTITY_EVENTS = {
  UserRegisteredV1: {
    topic: 'identity.identity.user-registered.v1',
    type: 'archipelago.identity.identity.UserRegisteredV1',
    schema: userRegisteredV1Schema,
  },
  UserRolesChangedV1: {
    topic: 'identity.identity.user-roles-changed.v1',
    type: 'archipelago.identity.identity.UserRolesChangedV1',
    schema: userRolesChangedV1Schema,
  },
  UserDisabledV1: {
    topic: 'identity.identity.user-disabled.v1',
    type: 'archipelago.identity.identity.UserDisabledV1',
    schema: userDisabledV1Schema,
  },
  UserEnabledV1: {
    topic: 'identity.identity.user-enabled.v1',
    type: 'archipelago.identity.identity.UserEnabledV1',
    schema: userEnabledV1Schema,
  },
  EmailVerificationRequestedV1: {
    topic: 'identity.identity.email-verification-requested.v1',
    type: 'archipelago.identity.identity.EmailVerificationRequestedV1',
    schema: emailVerificationRequestedV1Schema,
  },
  RegistrationAttemptedV1: {
    topic: 'identity.identity.registration-attempted.v1',
    type: 'archipelago.identity.identity.RegistrationAttemptedV1',
    schema: registrationAttemptedV1Schema,
  },
  PasswordResetRequestedV1: {
    topic: 'identity.identity.password-reset-requested.v1',
    type: 'archipelago.identity.identity.PasswordResetRequestedV1',
    schema: passwordResetRequestedV1Schema,
  },
  TotpEnabledV1: {
    topic: 'identity.identity.totp-enabled.v1',
    type: 'archipelago.identity.identity.TotpEnabledV1',
    schema: totpEnabledV1Schema,
  },
  TotpDisabledV1: {
    topic: 'identity.identity.totp-disabled.v1',
    type: 'archipelago.identity.identity.TotpDisabledV1',
    schema: totpDisabledV1Schema,
  },
  EmailOtpRequestedV1: {
    topic: 'identity.identity.email-otp-requested.v1',
    type: 'archipelago.identity.identity.EmailOtpRequestedV1',
    schema: emailOtpRequestedV1Schema,
  },
  PasswordChangedV1: {
    topic: 'identity.identity.password-changed.v1',
    type: 'archipelago.identity.identity.PasswordChangedV1',
    schema: passwordChangedV1Schema,
  },
  NewSignInDetectedV1: {
    topic: 'identity.identity.new-sign-in-detected.v1',
    type: 'archipelago.identity.identity.NewSignInDetectedV1',
    schema: newSignInDetectedV1Schema,
  },
} as const;
