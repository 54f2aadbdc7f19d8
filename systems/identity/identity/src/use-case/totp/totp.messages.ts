import type { CommandContext } from '../port/command-context.js';

/** The signed-in user starts (or restarts) a TOTP enrolment, typing the current password again. */
export class BeginTotpEnrolmentCommand {
  constructor(
    readonly userId: string,
    /** The current password (re-prompt: a bearer token alone does not enrol an authenticator). */
    readonly password: string,
    /** The caller's IP, for the sign-in throttle. */
    readonly clientIp?: string,
  ) {}
}

/** What an enrolment shows once: the key URI, its QR code and the secret for typing by hand. */
export interface TotpEnrolment {
  /** `otpauth://totp/Archipelago:<e-mail>?secret=…&issuer=Archipelago&algorithm=SHA1&digits=6&period=30`. */
  readonly otpauthUri: string;
  /** The key URI as an SVG image (QR code). */
  readonly qrCodeSvg: string;
  /** Base32 secret, for apps that cannot scan. */
  readonly secret: string;
}

/** The user proves the authenticator works with a first code; recovery codes are issued. */
export class ConfirmTotpEnrolmentCommand {
  constructor(
    readonly userId: string,
    readonly code: string,
    readonly context: CommandContext,
  ) {}
}

/** The user removes their authenticator, proving it is them with the password or a one-time code. */
export class DisableTotpCommand {
  constructor(
    readonly userId: string,
    readonly proof: { readonly password?: string; readonly code?: string },
    readonly context: CommandContext,
    readonly clientIp?: string,
  ) {}
}

/** The signed-in user asks whether they have a second factor. */
export class GetTotpStatusQuery {
  constructor(readonly userId: string) {}
}

/** Whether TOTP protects the account, and how many recovery codes are left. */
export interface TotpStatus {
  /** `none`: no authenticator; `pending`: enrolment started, not confirmed; `enabled`: required at sign-in. */
  readonly status: 'none' | 'pending' | 'enabled';
  /** Unused recovery codes (0 unless enabled). */
  readonly recoveryCodesLeft: number;
  /** Whether the user's role requires a second factor (`IDENTITY_MFA_REQUIRED_ROLES`). */
  readonly required: boolean;
}

/** An admin removes a user's authenticator (lost phone and recovery codes); the user enrols again. */
export class ResetTotpCommand {
  constructor(
    readonly userId: string,
    readonly context: CommandContext,
  ) {}
}
