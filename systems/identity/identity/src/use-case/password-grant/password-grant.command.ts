/**
 * RFC 6749 §4.3 Resource Owner Password Credentials grant: `username` is the e-mail address;
 * `clientIp` (the caller's address as the trusted proxy saw it) is throttled too.
 */
export class PasswordGrantCommand {
  constructor(
    readonly username: string,
    readonly password: string,
    readonly scope?: string,
    readonly clientIp?: string,
  ) {}
}
