import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, type ClockPort } from '../port/identity-settings.port.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort, type SessionView } from '../port/refresh-token.store.port.js';
import { EndSessionCommand, ListSessionsQuery, RevokeTokenCommand } from './sessions.messages.js';

/** The caller's live sessions: client, created, last used, IP, when it expires at the latest. */
@QueryHandler(ListSessionsQuery)
export class ListSessionsUseCase implements IQueryHandler<ListSessionsQuery, SessionView[]> {
  constructor(
    @Inject(REFRESH_TOKEN_STORE) private readonly store: RefreshTokenStorePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  execute({ userId }: ListSessionsQuery): Promise<SessionView[]> {
    return this.store.listSessions(userId, this.clock.now());
  }
}

/**
 * Ends one session of the caller: its refresh tokens stop working (access tokens already issued
 * run out within minutes). Returns false when the caller has no such live session (404).
 */
@CommandHandler(EndSessionCommand)
export class EndSessionUseCase implements ICommandHandler<EndSessionCommand, boolean> {
  constructor(
    @Inject(REFRESH_TOKEN_STORE) private readonly store: RefreshTokenStorePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  execute({ userId, sessionId }: EndSessionCommand): Promise<boolean> {
    return this.store.revokeSession(userId, sessionId, this.clock.now());
  }
}

/**
 * Token revocation (RFC 7009 §2): a refresh token revokes its whole family (session). Access
 * tokens are self-contained JWTs that live minutes: they cannot be revoked one by one and are
 * answered like any unknown token — success, as §2.2 requires for invalid tokens too.
 */
@CommandHandler(RevokeTokenCommand)
export class RevokeTokenUseCase implements ICommandHandler<RevokeTokenCommand, void> {
  constructor(
    @Inject(REFRESH_TOKEN_STORE) private readonly store: RefreshTokenStorePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ token }: RevokeTokenCommand): Promise<void> {
    const family = await this.store.familyOf(token);
    if (family) await this.store.revokeFamily(family.familyId, this.clock.now());
  }
}
