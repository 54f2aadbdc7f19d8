import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { narrowScope } from '../../entity/token/scope.js';
import { InvalidGrantError } from '../../entity/token/token.errors.js';
import { ACCESS_TOKENS, type AccessTokensPort } from '../port/access-tokens.port.js';
import { CLOCK, type ClockPort, IDENTITY_SETTINGS, type IdentitySettings } from '../port/identity-settings.port.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { issueUserTokens, type TokenResponse } from '../token-response.js';
import { RefreshTokenGrantCommand } from './refresh-token-grant.command.js';

const REFUSED = 'The refresh token is invalid, expired or revoked';

/**
 * Refresh grant with rotation (OAuth 2.0 Security BCP, RFC 9700 §4.14.2): each refresh token
 * works once and is replaced by a new one of the same family. Presenting a token that was
 * already used is taken as theft: the whole family is revoked, so neither the thief nor the
 * victim can refresh again (the user logs in anew). The access token carries the user's
 * current roles, not those of the original login. A session ends after its idle lifetime without
 * a refresh and, whatever its use, at its absolute expiry (no extension past it).
 * @throws InvalidGrantError, InvalidScopeError
 */
@CommandHandler(RefreshTokenGrantCommand)
export class RefreshTokenGrantUseCase implements ICommandHandler<RefreshTokenGrantCommand, TokenResponse> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokensPort,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStorePort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({
    refreshToken: presented,
    scope: requested,
    clientIp,
    clientId,
  }: RefreshTokenGrantCommand): Promise<TokenResponse> {
    const now = this.clock.now();
    const found = await this.refreshTokens.consume(presented, now, clientIp);
    if (!found) throw new InvalidGrantError(REFUSED);
    if (found.status === 'reused') {
      await this.refreshTokens.revokeFamily(found.familyId, now);
      throw new InvalidGrantError(REFUSED);
    }
    const ended = Math.min(Date.parse(found.expiresAt), Date.parse(found.absoluteExpiresAt)) <= now.getTime();
    if (found.familyRevoked || ended) throw new InvalidGrantError(REFUSED);
    // A session of an OpenID Connect client is refreshed by that client only (RFC 6749 §6, §10.4).
    if (found.clientId !== undefined && clientId !== found.clientId) {
      await this.refreshTokens.revokeFamily(found.familyId, now);
      throw new InvalidGrantError(REFUSED);
    }
    const scope = narrowScope(found.scope, requested);
    const { state } = await this.users.load(found.subject);
    if (state.status !== 'active') {
      await this.refreshTokens.revokeFamily(found.familyId, now);
      throw new InvalidGrantError(REFUSED);
    }

    const { sessionId: _sid, ...response } = await issueUserTokens(
      { tokens: this.tokens, refreshTokens: this.refreshTokens, settings: this.settings },
      state,
      scope,
      { familyId: found.familyId, absoluteExpiresAt: found.absoluteExpiresAt },
      now,
    );
    return response;
  }
}
