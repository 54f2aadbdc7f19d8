/** The caller changes their password; `currentSessionId` (the token's `sid`) stays signed in. */
export class ChangePasswordCommand {
  constructor(
    readonly userId: string,
    readonly currentPassword: string,
    readonly newPassword: string,
    readonly currentSessionId?: string,
    readonly clientIp?: string,
    /** W3C traceparent of the request (carried by `PasswordChangedV1`). */
    readonly traceparent?: string,
  ) {}
}
