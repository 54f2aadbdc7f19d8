/** RFC 6749 §4.3 Resource Owner Password Credentials grant: `username` is the e-mail address. */
export class PasswordGrantCommand {
  constructor(
    readonly username: string,
    readonly password: string,
    readonly scope?: string,
  ) {}
}
