import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { narrowScope } from '../../entity/token/scope.js';
import { InvalidGrantError } from '../../entity/token/token.errors.js';
import { ACCESS_TOKENS, type AccessTokensPort } from '../port/access-tokens.port.js';
import { CLOCK, type ClockPort, IDENTITY_SETTINGS, type IdentitySettings } from '../port/identity-settings.port.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { newRefreshToken, type TokenResponse } from '../token-response.js';
import { RefreshTokenGrantCommand } from './refresh-token-grant.command.js';

const REFUSED = 'The refresh token is invalid, expired or revoked';

/**
 * Refresh grant with rotation (OAuth 2.0 Security BCP, RFC 9700 §4.14.2): each refresh token
 * works once and is replaced by a new one of the same family. Presenting a token that was
 * already used is taken as theft: the whole family is revoked, so neither the thief nor the
 * victim can refresh again (the user logs in anew). The access token carries the user's
 * current roles, not those of the original login.
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

  async execute({ refreshToken: presented, scope: requested }: RefreshTokenGrantCommand): Promise<TokenResponse> {
    const now = this.clock.now();
    const found = await this.refreshTokens.consume(presented, now);
    if (!found) throw new InvalidGrantError(REFUSED);
    if (found.status === 'reused') {
      await this.refreshTokens.revokeFamily(found.familyId, now);
      throw new InvalidGrantError(REFUSED);
    }
    if (found.familyRevoked || Date.parse(found.expiresAt) <= now.getTime()) throw new InvalidGrantError(REFUSED);
    const scope = narrowScope(found.scope, requested);
    const { state } = await this.users.load(found.subject);
    if (state.status !== 'active') {
      await this.refreshTokens.revokeFamily(found.familyId, now);
      throw new InvalidGrantError(REFUSED);
    }

    const access = await this.tokens.issue({ subject: state.id, roles: state.roles, email: state.email, scope });
    const refreshToken = newRefreshToken();
    const expiresAt = new Date(now.getTime() + this.settings.refreshTokenTtlSeconds * 1000).toISOString();
    await this.refreshTokens.issue(
      refreshToken,
      { familyId: found.familyId, subject: state.id, scope, expiresAt },
      now,
    );
    return {
      accessToken: access.accessToken,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken,
      ...(scope && { scope }),
    };
  }
}
