import type { CommandContext } from '../port/command-context.js';

/** Use a verification token (from the e-mailed link): the account's address becomes verified. */
export class VerifyEmailCommand {
  constructor(
    readonly token: string,
    readonly context: CommandContext,
  ) {}
}

/** Send a new verification link to `email`, if it names an active account whose address is not verified yet. */
export class RequestEmailVerificationCommand {
  constructor(
    readonly email: string,
    readonly clientIp: string | undefined,
  ) {}
}

/** Send a password reset link to `email`, if it names an active account. */
export class RequestPasswordResetCommand {
  constructor(
    readonly email: string,
    readonly clientIp: string | undefined,
  ) {}
}

/** Use a reset token: the account's password becomes `newPassword` (8–256 characters, checked by the handler). */
export class ConfirmPasswordResetCommand {
  constructor(
    readonly token: string,
    readonly newPassword: string,
    readonly context: CommandContext,
  ) {}
}
