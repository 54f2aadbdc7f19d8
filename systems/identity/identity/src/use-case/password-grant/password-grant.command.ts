/**
 * RFC 6749 §4.3 Resource Owner Password Credentials grant: `username` is the e-mail address;
 * `clientIp` (the caller's address as the trusted proxy saw it) is throttled too; `otp` is the
 * second factor (parameter `otp`, an extension of the grant).
 */
export class PasswordGrantCommand {
  constructor(
    readonly username: string,
    readonly password: string,
    readonly scope?: string,
    readonly clientIp?: string,
    /** Second factor: the TOTP code or a recovery code, required when the account has TOTP. */
    readonly otp?: string,
    /** The request's `User-Agent` (the new-sign-in rule), at most 256 characters. */
    readonly userAgent?: string,
  ) {}
}
