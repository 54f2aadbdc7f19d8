import { Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { ApiIntrospectEndpoint, ApiRevokeEndpoint } from './oidc.openapi.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnsupportedGrantTypeError } from '../../entity/token/token.errors.js';
import { ClientCredentialsGrantCommand } from '../../use-case/client-credentials-grant/client-credentials-grant.command.js';
import { PasswordGrantCommand } from '../../use-case/password-grant/password-grant.command.js';
import { AuthorizationCodeGrantCommand } from '../../use-case/authorize/authorize.messages.js';
import { IntrospectTokenQuery } from '../../use-case/sessions/introspect.use-case.js';
import { RevokeTokenCommand } from '../../use-case/sessions/sessions.messages.js';
import { RefreshTokenGrantCommand } from '../../use-case/refresh-token-grant/refresh-token-grant.command.js';
import type { TokenResponse } from '../../use-case/token-response.js';
import { OAuthErrorFilter } from './oauth-error.filter.js';
import { ApiTokenEndpoint } from './token.openapi.js';
import { bounded, clientCredentials, clientIp, required, tokenParams, userAgent } from './token-request.js';

/**
 * The OAuth 2.0 token endpoint (RFC 6749 §3.2): `POST /identity/v1/token`, form-urlencoded or
 * JSON, grants `password`, `refresh_token` and `client_credentials`. Public. Answers RFC 6749
 * §5.1 JSON with `Cache-Control: no-store`; errors are §5.2 JSON (see {@link OAuthErrorFilter}).
 */
@ApiTags('oauth2')
@Controller('identity/v1')
@UseFilters(OAuthErrorFilter)
export class TokenHttpHandler {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('token')
  @HttpCode(200)
  @ApiTokenEndpoint()
  async token(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    void reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
    const params = tokenParams(request.body);
    const grantType = required(params, 'grant_type');
    let response: TokenResponse;
    switch (grantType) {
      case 'password':
        response = await this.commands.execute(
          new PasswordGrantCommand(
            required(params, 'username'),
            required(params, 'password'),
            params['scope'],
            clientIp(request),
            bounded(params, 'otp', 64),
            userAgent(request),
          ),
        );
        break;
      case 'refresh_token':
        response = await this.commands.execute(
          new RefreshTokenGrantCommand(
            required(params, 'refresh_token'),
            params['scope'],
            clientIp(request),
            params['client_id'] ??
              (request.headers.authorization?.startsWith('Basic ')
                ? clientCredentials(params, request.headers.authorization).id
                : undefined),
          ),
        );
        break;
      case 'authorization_code': {
        const basic = request.headers.authorization?.startsWith('Basic ');
        const client = basic
          ? clientCredentials(params, request.headers.authorization)
          : { id: required(params, 'client_id'), secret: params['client_secret'] };
        response = await this.commands.execute(
          new AuthorizationCodeGrantCommand(
            required(params, 'code'),
            required(params, 'redirect_uri'),
            client.id,
            required(params, 'code_verifier'),
            client.secret,
            clientIp(request),
            userAgent(request),
          ),
        );
        break;
      }
      case 'client_credentials': {
        const client = clientCredentials(params, request.headers.authorization);
        response = await this.commands.execute(
          new ClientCredentialsGrantCommand(client.id, client.secret, params['scope'], params['resource']),
        );
        break;
      }
      default:
        throw new UnsupportedGrantTypeError(
          'grant_type must be authorization_code, refresh_token, client_credentials or password',
        );
    }
    return {
      access_token: response.accessToken,
      token_type: response.tokenType,
      expires_in: response.expiresIn,
      ...(response.refreshToken && { refresh_token: response.refreshToken }),
      ...(response.scope && { scope: response.scope }),
      ...(response.idToken && { id_token: response.idToken }),
    };
  }

  /**
   * Token revocation (RFC 7009): `token` (form or JSON), optional `token_type_hint`. A refresh
   * token ends its session; anything else (an access token, an unknown or already revoked token)
   * is answered the same 200, as §2.2 requires. Public: holding the token is the proof.
   */
  @Post('revoke')
  @HttpCode(200)
  @ApiRevokeEndpoint()
  async revoke(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    void reply.header('Cache-Control', 'no-store');
    const params = tokenParams(request.body);
    await this.commands.execute(new RevokeTokenCommand(required(params, 'token')));
  }

  /**
   * Token introspection (RFC 7662) for confidential clients (HTTP Basic or body credentials):
   * `token`, optional `token_type_hint`. 401 invalid_client for anyone else.
   */
  @Post('introspect')
  @HttpCode(200)
  @ApiIntrospectEndpoint()
  async introspect(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('Cache-Control', 'no-store');
    const params = tokenParams(request.body);
    const client = clientCredentials(params, request.headers.authorization);
    return this.queries.execute(new IntrospectTokenQuery(required(params, 'token'), client.id, client.secret));
  }
}
