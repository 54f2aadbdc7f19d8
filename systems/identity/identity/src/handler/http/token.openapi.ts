import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import { ApiPublic, problemDetailsRef } from '@archipelago/platform-service';

// OpenAPI description of the RFC 6749 token endpoint. Its request is form-urlencoded (§3.2; JSON is
// accepted too) and its errors are §5.2 JSON, not problem+json, so it is described by hand here
// rather than derived from zod schemas.

// JSON Schema 2020-12 keywords (`const`) that @nestjs/swagger's SchemaObject type does not list.
type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];
const schema = (value: object): SchemaObject => value as SchemaObject;

const scope = { type: 'string', maxLength: 4096, description: 'Space-separated scope (RFC 6749 §3.3); optional.' };

const passwordGrant = {
  type: 'object',
  title: 'Resource owner password credentials grant (RFC 6749 §4.3.2)',
  required: ['grant_type', 'username', 'password'],
  properties: {
    grant_type: { const: 'password' },
    username: { type: 'string', minLength: 1, maxLength: 4096, description: "The account's e-mail address." },
    password: { type: 'string', minLength: 1, maxLength: 4096 },
    otp: {
      type: 'string',
      maxLength: 64,
      description:
        'Second factor (extension of the grant): the 6-digit TOTP code (RFC 6238) or a recovery code, required when the account has TOTP. ' +
        'Without it such an account gets 400 `invalid_grant` with `mfa_required: true`.',
    },
    scope,
  },
};

const refreshTokenGrant = {
  type: 'object',
  title: 'Refresh token grant (RFC 6749 §6); the refresh token is rotated',
  required: ['grant_type', 'refresh_token'],
  properties: {
    grant_type: { const: 'refresh_token' },
    refresh_token: { type: 'string', minLength: 1, maxLength: 4096 },
    scope,
  },
};

const authorizationCodeGrant = {
  type: 'object',
  title: 'Authorization code grant with PKCE (RFC 6749 §4.1.3, RFC 7636 §4.5)',
  description:
    'Redeems the code the authorization endpoint (`GET /identity/v1/authorize`) sent to `redirect_uri`, once. ' +
    'A public client sends `client_id` (no secret); a confidential one authenticates with HTTP Basic or client_secret_post. ' +
    'With the `openid` scope the response carries an `id_token`.',
  required: ['grant_type', 'code', 'redirect_uri', 'code_verifier'],
  properties: {
    grant_type: { const: 'authorization_code' },
    code: {
      type: 'string',
      minLength: 1,
      maxLength: 4096,
      description: 'The authorization code (single use, short-lived).',
    },
    redirect_uri: {
      type: 'string',
      minLength: 1,
      maxLength: 4096,
      description: 'Exactly the redirect_uri of the authorization request (RFC 6749 §4.1.3).',
    },
    code_verifier: {
      type: 'string',
      minLength: 43,
      maxLength: 128,
      pattern: '^[A-Za-z0-9._~-]{43,128}$',
      description: 'PKCE verifier (RFC 7636 §4.1) whose S256 hash is the code_challenge of the authorization request.',
    },
    client_id: {
      type: 'string',
      minLength: 1,
      maxLength: 4096,
      description: 'Required unless the client authenticates with HTTP Basic.',
    },
    client_secret: {
      type: 'string',
      minLength: 1,
      maxLength: 4096,
      description: 'Confidential clients (client_secret_post).',
    },
  },
};

const clientCredentialsGrant = {
  type: 'object',
  title: 'Client credentials grant (RFC 6749 §4.4.2)',
  description:
    'The client authenticates with HTTP Basic (`Authorization: Basic base64(id:secret)`, RFC 6749 §2.3.1) ' +
    'or with client_id and client_secret in the body (client_secret_post) — one of the two, not both.',
  required: ['grant_type'],
  properties: {
    grant_type: { const: 'client_credentials' },
    client_id: { type: 'string', minLength: 1, maxLength: 4096 },
    client_secret: { type: 'string', minLength: 1, maxLength: 4096 },
    scope,
    resource: {
      type: 'string',
      minLength: 1,
      maxLength: 4096,
      description:
        'Resource indicator (RFC 8707): the service the token is for (`<service>.<system>`, e.g. `catalog.commerce`), which ' +
        "becomes the token's `aud`; it must be one of the client's `audiences` (IDENTITY_CLIENTS), else invalid_target. " +
        "Without it the token has identity's default audience (the public APIs').",
    },
  },
};

const tokenRequest = schema({
  oneOf: [authorizationCodeGrant, passwordGrant, refreshTokenGrant, clientCredentialsGrant],
});

const tokenResponse = schema({
  type: 'object',
  description: 'RFC 6749 §5.1 access token response.',
  required: ['access_token', 'token_type', 'expires_in'],
  properties: {
    access_token: { type: 'string', description: 'ES256-signed JWT (RFC 9068 profile), verified with the JWKS.' },
    token_type: { const: 'Bearer' },
    expires_in: { type: 'integer', minimum: 1, description: 'Lifetime of the access token in seconds.' },
    refresh_token: {
      type: 'string',
      description: 'Password, refresh_token and authorization_code grants only; single use.',
    },
    scope: { type: 'string', description: 'Granted scope, when one was requested.' },
    id_token: {
      type: 'string',
      description:
        'OpenID Connect ID token (JWT, ES256; `iss`, `sub`, `aud` = client_id, `exp`, `iat`, `auth_time`, `nonce` when one was sent, `sid`): ' +
        'authorization_code grant with the `openid` scope only.',
    },
  },
});

const oauthError = (codes: string[]): SchemaObject =>
  schema({
    type: 'object',
    description: 'RFC 6749 §5.2 error response.',
    required: ['error'],
    properties: {
      error: { type: 'string', enum: codes },
      error_description: { type: 'string', description: 'Human-readable detail.' },
      mfa_required: {
        type: 'boolean',
        description:
          'Present (true) when the password was right but a second factor is missing: repeat with `otp`, or enrol on the sign-in page.',
      },
    },
  });

const noStore = {
  'Cache-Control': {
    description: 'Always `no-store` (RFC 6749 §5.1).',
    schema: schema({ type: 'string', const: 'no-store' }),
  },
  Pragma: { description: 'Always `no-cache`.', schema: schema({ type: 'string', const: 'no-cache' }) },
};

const examples = {
  password: {
    summary: 'Password grant',
    value: { grant_type: 'password', username: 'ada@example.com', password: 'correct horse battery' },
  },
  refresh_token: {
    summary: 'Refresh token grant',
    value: { grant_type: 'refresh_token', refresh_token: 'dGhpcyBpcyBhbiBleGFtcGxl' },
  },
  client_credentials: {
    summary: 'Client credentials in the body, for one resource (RFC 8707)',
    value: {
      grant_type: 'client_credentials',
      client_id: 'ordering',
      client_secret: 's3cret',
      resource: 'catalog.commerce',
    },
  },
  authorization_code: {
    summary: 'Authorization code grant with PKCE (public client)',
    value: {
      grant_type: 'authorization_code',
      code: 'SplxlOBeZQQYbYS6WxSbIA',
      redirect_uri: 'https://app.example.com/callback',
      code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      client_id: 'web',
    },
  },
};

/**
 * OpenAPI description of `POST /identity/v1/token`: public (`security: []`), the three grants as a
 * form-urlencoded or JSON body, the §5.1 response, and the §5.2 errors it answers (400
 * invalid_request / invalid_grant / unsupported_grant_type / invalid_scope, 401 invalid_client with
 * `WWW-Authenticate: Basic`, 429 for a throttled account or from the edge's per-IP limit).
 */
export function ApiTokenEndpoint(): MethodDecorator {
  return applyDecorators(
    ApiPublic(),
    ApiOperation({
      summary: 'Issue tokens (RFC 6749): authorization_code (PKCE), password, refresh_token, client_credentials',
      description:
        'The OAuth 2.0 token endpoint (RFC 6749 §3.2). Send the grant as `application/x-www-form-urlencoded` ' +
        '(or JSON with the same members), each parameter once. Answers carry `Cache-Control: no-store`. ' +
        'Errors are RFC 6749 §5.2 JSON (`error`, `error_description`), not problem+json. A wrong user name or ' +
        'password, and an account locked after repeated failures, are both `invalid_grant`. Through the edge ' +
        'this route is limited to 60 requests per minute per client IP (429 with `Retry-After`). Public (no bearer token): ' +
        'users prove themselves with a password, a refresh token or an authorization code (+ PKCE `code_verifier`, RFC 7636), ' +
        'services with their client credentials (`resource`, RFC 8707, picks the audience of the token). The ' +
        'authorization_code grant with the `openid` scope also returns an OpenID Connect `id_token`.',
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': { schema: tokenRequest, examples },
          'application/json': { schema: tokenRequest, examples },
        },
      },
    }),
    ApiResponse({
      status: 200,
      description: 'Tokens issued',
      headers: noStore,
      content: {
        'application/json': {
          schema: tokenResponse,
          example: {
            access_token: '<ES256-signed JWT>',
            token_type: 'Bearer',
            expires_in: 900,
            refresh_token: 'dGhpcyBpcyBhbiBleGFtcGxl',
          },
        },
      },
    }),
    ApiResponse({
      status: 400,
      description:
        'invalid_request (missing, repeated or non-string parameter; no body), invalid_grant (bad credentials, locked account, bad or reused refresh token, ' +
        'unknown, expired or reused authorization code, redirect_uri or code_verifier not matching the authorization request), unsupported_grant_type, invalid_scope, ' +
        'invalid_target (a `resource` the client may not get tokens for, RFC 8707). ' +
        "Password grant for an account with TOTP: invalid_grant with `mfa_required: true` without `otp` (or when the account's role requires a second factor it has not enrolled), " +
        'invalid_grant for a wrong or already used one-time code. ' +
        'A parameter name or value with U+0000 or an unpaired surrogate is refused before the endpoint runs, like on every route: an RFC 9457 validation problem.',
      headers: noStore,
      content: {
        'application/json': {
          schema: oauthError([
            'invalid_request',
            'invalid_grant',
            'unsupported_grant_type',
            'invalid_scope',
            'invalid_target',
          ]),
          example: {
            error: 'invalid_grant',
            error_description: 'The user name or password is incorrect, or the account is temporarily locked',
          },
        },
        'application/problem+json': { schema: problemDetailsRef },
      },
    }),
    ApiResponse({
      status: 401,
      description:
        'invalid_client: client authentication failed (client_credentials grant; authorization_code grant of a confidential client)',
      headers: {
        ...noStore,
        'WWW-Authenticate': { description: '`Basic realm="identity", charset="UTF-8"`', schema: { type: 'string' } },
      },
      content: {
        'application/json': {
          schema: oauthError(['invalid_client']),
          example: { error: 'invalid_client', error_description: 'Client authentication failed' },
        },
      },
    }),
    ApiResponse({
      status: 429,
      description:
        'Too many failed sign-ins for this account (invalid_grant, with `Retry-After`), or, through the edge, ' +
        'too many token requests from this client IP (60 per minute; Kong\'s `{"message": …}` body)',
      headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } } },
      content: {
        'application/json': {
          schema: schema({
            anyOf: [
              oauthError(['invalid_grant']),
              { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
            ],
          }),
          example: { error: 'invalid_grant', error_description: 'Too many failed sign-in attempts; retry in 30 s' },
        },
      },
    }),
  );
}

/**
 * Declares the token endpoint as the document's OAuth 2.0 security scheme `oauth2` (RFC 6749
 * password and client credentials flows, `tokenUrl` `/identity/v1/token`, relative to the
 * document): how a client gets the bearer token the other operations require. Refines the document
 * built by the platform (OpenApiOptions.refine).
 */
export function describeOAuth2(document: OpenAPIObject): void {
  const tokenUrl = '/identity/v1/token';
  document.components = {
    ...document.components,
    securitySchemes: {
      ...document.components?.securitySchemes,
      oauth2: {
        type: 'oauth2',
        description: 'The token endpoint of this service; the access token is then sent as a bearer token.',
        flows: {
          authorizationCode: {
            authorizationUrl: '/identity/v1/authorize',
            tokenUrl,
            scopes: {
              openid: 'OpenID Connect sign-in (id_token, userinfo)',
              email: 'The e-mail address in userinfo',
              profile: 'The display name in userinfo',
            },
          },
          password: { tokenUrl, scopes: {} },
          clientCredentials: { tokenUrl, scopes: {} },
        },
      },
    },
  };
}
