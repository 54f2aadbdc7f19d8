import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { allowedScope, parseScope } from '../../entity/token/scope.js';
import { InvalidClientError, InvalidTargetError } from '../../entity/token/token.errors.js';
import { ACCESS_TOKENS, type AccessTokensPort } from '../port/access-tokens.port.js';
import { PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { SERVICE_CLIENTS, type ServiceClientsPort } from '../port/service-clients.port.js';
import type { TokenResponse } from '../token-response.js';
import { ClientCredentialsGrantCommand } from './client-credentials-grant.command.js';

/**
 * Client credentials grant: authenticates a configured service client by its secret and issues
 * an access token with `sub` = client id and the client's roles. No refresh token (RFC 6749
 * §4.4.3): the client simply asks again. Unknown client and wrong secret cost the same work.
 * With `resource` (RFC 8707) the token's audience is that service, which must be on the client's
 * `audiences` allow-list: how services get tokens for each other's gRPC servers.
 * @throws InvalidClientError, InvalidScopeError, InvalidTargetError
 */
@CommandHandler(ClientCredentialsGrantCommand)
export class ClientCredentialsGrantUseCase implements ICommandHandler<ClientCredentialsGrantCommand, TokenResponse> {
  constructor(
    @Inject(SERVICE_CLIENTS) private readonly clients: ServiceClientsPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(ACCESS_TOKENS) private readonly tokens: AccessTokensPort,
  ) {}

  async execute({
    clientId,
    clientSecret,
    scope: requested,
    resource,
  }: ClientCredentialsGrantCommand): Promise<TokenResponse> {
    const scope = parseScope(requested);
    const client = this.clients.find(clientId);
    const matches = await this.hasher.verify(clientSecret, client?.secretHash);
    if (!client || !matches) throw new InvalidClientError('Client authentication failed');
    allowedScope(scope, client.scopes);
    if (resource !== undefined && !client.audiences.includes(resource))
      throw new InvalidTargetError(`the client may not get a token for ${resource}`);
    const access = await this.tokens.issue({
      subject: client.id,
      roles: client.roles,
      scope,
      ...(resource !== undefined && { audience: resource }),
    });
    return {
      accessToken: access.accessToken,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      ...(scope && { scope }),
    };
  }
}
