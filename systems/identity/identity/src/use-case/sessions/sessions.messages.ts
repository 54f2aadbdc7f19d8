/** The live sessions of a user (newest first). */
export class ListSessionsQuery {
  constructor(readonly userId: string) {}
}

/** A user ends one of their sessions (`DELETE /users/me/sessions/{id}`, logout). */
export class EndSessionCommand {
  constructor(
    readonly userId: string,
    readonly sessionId: string,
  ) {}
}

/** RFC 7009 revocation of a token: a refresh token ends its whole session. */
export class RevokeTokenCommand {
  constructor(readonly token: string) {}
}
