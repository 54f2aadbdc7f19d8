import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { InvalidClientError } from '../../entity/token/token.errors.js';
import { AuthenticateQuery } from '../authenticate/authenticate.query.js';
import type { AccessTokenSubject } from '../port/access-tokens.port.js';
import { CLOCK, type ClockPort } from '../port/identity-settings.port.js';
import { OIDC_CLIENTS, type OidcClientsPort } from '../port/oidc-clients.port.js';
import { PASSWORD_HASHER, type PasswordHasherPort } from '../port/password-hasher.port.js';
import { REFRESH_TOKEN_STORE, type RefreshTokenStorePort } from '../port/refresh-token.store.port.js';
import { SERVICE_CLIENTS, type ServiceClientsPort } from '../port/service-clients.port.js';

/** RFC 7662 token introspection by an authenticated confidential client. */
export class IntrospectTokenQuery {
  constructor(
    readonly token: string,
    readonly clientId: string,
    readonly clientSecret: string,
  ) {}
}

/** The RFC 7662 §2.2 answer (snake_case as on the wire); `{ active: false }` for anything not active. */
export type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, unknown>);

/**
 * Token introspection (RFC 7662) for confidential clients (OpenID Connect clients with a secret,
 * or service clients): an access token is active when identity signed it, it has not expired and
 * its account is still active (current roles, like identity's own API); a refresh token when it is
 * unused, unexpired and its session not ended. Anything else: `{ active: false }`.
 * @throws InvalidClientError (401) when the caller is not an authenticated confidential client
 */
@QueryHandler(IntrospectTokenQuery)
export class IntrospectTokenUseCase implements IQueryHandler<IntrospectTokenQuery, IntrospectionResponse> {
  constructor(
    private readonly queries: QueryBus,
    @Inject(OIDC_CLIENTS) private readonly oidcClients: OidcClientsPort,
    @Inject(SERVICE_CLIENTS) private readonly serviceClients: ServiceClientsPort,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasherPort,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStorePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ token, clientId, clientSecret }: IntrospectTokenQuery): Promise<IntrospectionResponse> {
    const oidc = this.oidcClients.find(clientId);
    const secretHash = oidc && !oidc.public ? oidc.secretHash : this.serviceClients.find(clientId)?.secretHash;
    if (!(await this.hasher.verify(clientSecret, secretHash)))
      throw new InvalidClientError('Client authentication failed');

    if (token.split('.').length === 3) {
      const subject = await this.queries
        .execute<AuthenticateQuery, AccessTokenSubject>(new AuthenticateQuery(token))
        .catch(() => undefined);
      if (!subject) return { active: false };
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      return {
        active: true,
        token_type: 'Bearer',
        sub: subject.subject,
        ...(subject.scope && { scope: subject.scope }),
        ...(subject.email && { username: subject.email }),
        roles: subject.roles,
        iss: claims['iss'],
        aud: claims['aud'],
        exp: claims['exp'],
        iat: claims['iat'],
        ...(typeof claims['sid'] === 'string' && { sid: claims['sid'] }),
      };
    }
    const refresh = await this.refreshTokens.inspect(token, this.clock.now());
    if (!refresh?.active) return { active: false };
    return {
      active: true,
      token_type: 'refresh_token',
      sub: refresh.subject,
      ...(refresh.scope && { scope: refresh.scope }),
      ...(refresh.clientId && { client_id: refresh.clientId }),
      exp: Math.floor(Date.parse(refresh.expiresAt) / 1000),
    };
  }
}
