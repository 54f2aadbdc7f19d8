/** RFC 6749 §6 refresh: exchange `refreshToken` for a new access token and a rotated refresh token. */
export class RefreshTokenGrantCommand {
  constructor(
    readonly refreshToken: string,
    readonly scope?: string,
    /** The caller's IP, recorded as the session's last use. */
    readonly clientIp?: string,
    /** `client_id` of the request: must name the client of a session started by one (RFC 6749 §6). */
    readonly clientId?: string,
  ) {}
}
