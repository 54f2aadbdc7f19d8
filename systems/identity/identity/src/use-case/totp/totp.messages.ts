import type { CommandContext } from '../port/command-context.js';

/** The signed-in user starts (or restarts) a TOTP enrolment. */
export class BeginTotpEnrolmentCommand {
  constructor(readonly userId: string) {}
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
