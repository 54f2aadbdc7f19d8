/** The caller changes their password; `currentSessionId` (the token's `sid`) stays signed in. */
export class ChangePasswordCommand {
  constructor(
    readonly userId: string,
    readonly currentPassword: string,
    readonly newPassword: string,
    readonly currentSessionId?: string,
    readonly clientIp?: string,
  ) {}
}
