import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  ACCESS_TOKENS,
  type AccessTokenSubject,
  type AccessTokensPort,
  InvalidAccessTokenError,
} from '../port/access-tokens.port.js';
import { SERVICE_CLIENTS, type ServiceClientsPort } from '../port/service-clients.port.js';
import { USER_REPOSITORY, type UserRepositoryPort } from '../port/user.repository.port.js';
import { AuthenticateQuery } from './authenticate.query.js';

/**
 * Authenticates a caller of identity's own API. Identity owns the accounts, so it does not trust
 * the roles written in the token: after verifying the signature and claims it reads the account
 * (or the configured service client) and answers with its CURRENT roles. A demoted admin's
 * earlier token therefore loses the admin role at once, and a token of a disabled or unknown
 * account (or client) is refused.
 * @throws InvalidAccessTokenError (401) for a bad token or an account that is gone or disabled
 */
@QueryHandler(AuthenticateQuery)
export class AuthenticateUseCase implements IQueryHandler<AuthenticateQuery, AccessTokenSubject> {
  constructor(
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokensPort,
    @Inject(USER_REPOSITORY) private readonly users: UserRepositoryPort,
    @Inject(SERVICE_CLIENTS) private readonly clients: ServiceClientsPort,
  ) {}

  async execute({ accessToken }: AuthenticateQuery): Promise<AccessTokenSubject> {
    const claimed = await this.tokens.verify(accessToken);
    const client = claimed.email === undefined ? this.clients.find(claimed.subject) : undefined;
    if (client) return { subject: client.id, roles: [...client.roles], ...(claimed.scope && { scope: claimed.scope }) };
    const { state } = await this.users.load(claimed.subject);
    if (state.status !== 'active') throw new InvalidAccessTokenError();
    return {
      subject: state.id,
      roles: [...state.roles],
      email: state.email,
      ...(claimed.scope && { scope: claimed.scope }),
      ...(claimed.sessionId && { sessionId: claimed.sessionId }),
    };
  }
}
