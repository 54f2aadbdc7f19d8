import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseScope } from '../../entity/token/scope.js';
import { BAD_CREDENTIALS, InvalidGrantError } from '../../entity/token/token.errors.js';
import { normaliseEmail } from '../../entity/user/email.js';
import { ACCESS_TOKENS, type AccessTokensPort } from '../port/access-tokens.port.js';
import { CLOCK, type ClockPort, IDENTITY_SETTINGS, type IdentitySettings } from '../port/identity-settings.port.js';
import { LOGIN_ATTEMPTS, type LoginAttemptsPort } from '../port/login-attempts.port.js';
import { PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { newRefreshToken, type TokenResponse } from '../token-response.js';
import { PasswordGrantCommand } from './password-grant.command.js';

/**
 * Password grant: checks the password, then issues an access token and the first refresh token of
 * a new family. An unknown e-mail, a wrong password and a locked account give the same
 * InvalidGrantError after the same hashing work, so neither answer nor timing reveals an account.
 * After `loginMaxFailures` failures within `loginWindowSeconds` the account is locked until the
 * window passes (counted per e-mail in Postgres, across instances).
 * @throws InvalidGrantError, InvalidScopeError
 */
@CommandHandler(PasswordGrantCommand)
export class PasswordGrantUseCase implements ICommandHandler<PasswordGrantCommand, TokenResponse> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttemptsPort,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokensPort,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStorePort,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ username, password, scope: requested }: PasswordGrantCommand): Promise<TokenResponse> {
    const scope = parseScope(requested);
    const email = normaliseEmail(username);
    const now = this.clock.now();
    const { loginMaxFailures, loginWindowSeconds } = this.settings;
    const locked = (await this.attempts.recentFailures(email, now, loginWindowSeconds)) >= loginMaxFailures;
    const credentials = locked ? undefined : await this.users.findCredentials(email);
    const matches = await this.hasher.verify(password, credentials?.passwordHash);
    if (locked) throw new InvalidGrantError(BAD_CREDENTIALS);
    if (!credentials || !matches) {
      await this.attempts.recordFailure(email, now, loginWindowSeconds);
      throw new InvalidGrantError(BAD_CREDENTIALS);
    }
    await this.attempts.clear(email);
    const { state } = await this.users.load(credentials.userId);
    if (state.status !== 'active') throw new InvalidGrantError(BAD_CREDENTIALS);

    const access = await this.tokens.issue({ subject: state.id, roles: state.roles, email: state.email, scope });
    const refreshToken = newRefreshToken();
    const expiresAt = new Date(now.getTime() + this.settings.refreshTokenTtlSeconds * 1000).toISOString();
    await this.refreshTokens.issue(
      refreshToken,
      { familyId: globalThis.crypto.randomUUID(), subject: state.id, scope, expiresAt },
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
