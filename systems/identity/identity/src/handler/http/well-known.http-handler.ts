import { Controller, Get, Header, Inject } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiPublic } from '@archipelago/platform-service';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({
    summary: 'Public signing keys: current and previous (RFC 7517)',
    description:
      'Public, cacheable for 5 minutes. The ES256 public keys (JWK Set, RFC 7517) that verify every token identity signs: the current key and, after a rotation, the previous one, so tokens signed before it stay verifiable until they expire. Services fetch it (AUTH_JWKS_URL) and look a new `kid` up again.',
  })
  @ApiResponse({
    status: 200,
    description: 'The JWK Set',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['keys'],
          properties: { keys: { type: 'array', items: { type: 'object' } } },
        },
        example: {
          keys: [
            {
              kty: 'EC',
              crv: 'P-256',
              x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
              y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
              kid: 'k-2026-12-06',
              use: 'sig',
              alg: 'ES256',
            },
          ],
        },
      },
    },
  })
  jwks(): Promise<PublicJwks> {
    return this.queries.execute(new GetJwksQuery());
  }

  /** OpenID Connect Discovery 1.0 §3 / RFC 8414 metadata: every endpoint, PKCE method, scope and claim. */
  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'OpenID Connect Discovery / RFC 8414 authorization server metadata',
    description:
      'Public, cacheable for 5 minutes. The issuer and its endpoints (authorize, token, userinfo, JWKS, revocation, introspection, end session), the grants, PKCE method (S256), scopes, claims and client authentication methods supported, for OpenID Connect clients to configure themselves.',
  })
  @ApiResponse({
    status: 200,
    description: 'The provider metadata (OpenID Connect Discovery 1.0 §3)',
    content: {
      'application/json': {
        schema: { type: 'object', required: ['issuer', 'token_endpoint', 'jwks_uri'] },
        example: {
          issuer: 'http://localhost:8000/identity/v1',
          authorization_endpoint: 'http://localhost:8000/identity/v1/authorize',
          token_endpoint: 'http://localhost:8000/identity/v1/token',
          userinfo_endpoint: 'http://localhost:8000/identity/v1/userinfo',
          jwks_uri: 'http://localhost:8000/identity/v1/.well-known/jwks.json',
          revocation_endpoint: 'http://localhost:8000/identity/v1/revoke',
          introspection_endpoint: 'http://localhost:8000/identity/v1/introspect',
          grant_types_supported: ['authorization_code', 'refresh_token', 'password', 'client_credentials'],
          code_challenge_methods_supported: ['S256'],
        },
      },
    },
  })
  discovery(): Record<string, unknown> {
    const issuer = this.settings.issuer;
    return {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      revocation_endpoint: `${issuer}/revoke`,
      introspection_endpoint: `${issuer}/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      end_session_endpoint: `${issuer}/logout`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'password'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['none'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      claims_supported: [
        'iss',
        'sub',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'nonce',
        'amr',
        'sid',
        'email',
        'email_verified',
        'name',
        'roles',
        'scope',
      ],
      authorization_response_iss_parameter_supported: true,
    };
  }
}
