import { Controller, Get, Header, Inject } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiPublic } from '@archipelago/platform-service';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetJwksQuery } from '../../use-case/get-jwks/get-jwks.query.js';
import type { PublicJwks } from '../../use-case/port/access-tokens.port.js';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../../use-case/port/identity-settings.port.js';

/** Public discovery: the JWK Set (RFC 7517) and the OpenID Provider / RFC 8414 metadata. */
@ApiTags('discovery')
@ApiPublic()
@Controller('identity/v1/.well-known')
export class WellKnownHttpHandler {
  constructor(
    private readonly queries: QueryBus,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public signing keys: current and previous (RFC 7517)' })
  jwks(): Promise<PublicJwks> {
    return this.queries.execute(new GetJwksQuery());
  }

  /**
   * OpenID Connect Discovery 1.0 §3 / RFC 8414 metadata. There is no authorization endpoint
   * (no browser flows yet), so `response_types_supported` is empty and no ID tokens are issued;
   * `id_token_signing_alg_values_supported` names the algorithm of the access tokens.
   */
  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'OpenID Connect Discovery / RFC 8414 authorization server metadata' })
  discovery(): Record<string, unknown> {
    const issuer = this.settings.issuer;
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      token_endpoint: `${issuer}/token`,
      grant_types_supported: ['password', 'refresh_token', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      response_types_supported: [],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'roles', 'email', 'scope'],
    };
  }
}
