import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiQuery, type ApiQueryOptions, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import { ApiPublic, problemDetailsRef } from '@archipelago/platform-service';

// OpenAPI descriptions of identity's OAuth 2.0 / OpenID Connect endpoints other than the token
// endpoint (token.openapi.ts): revocation (RFC 7009), introspection (RFC 7662), the authorization
// endpoint (RFC 6749 §4.1 + PKCE, RFC 7636), UserInfo and RP-initiated logout (OpenID Connect).
// Their requests are form-urlencoded or query parameters and their errors OAuth JSON or HTML pages,
// so they are described by hand.

type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];
const schema = (value: object): SchemaObject => value as SchemaObject;

const noStore = {
  'Cache-Control': { description: 'Always `no-store`.', schema: schema({ type: 'string', const: 'no-store' }) },
};

// What tokenParams accepts: every parameter a string of at most 4096 characters, once; no U+0000
// (refused on every route, see the 400 validation problem).
const param = { type: 'string', maxLength: 4096, pattern: '^[^\\u0000]*$' };
// Parameter names follow the same rule as values (the platform refuses U+0000 in a name too).
const paramName = { type: 'string', pattern: '^[^\\u0000]*$' };
const tokenParam = { ...param, minLength: 1, description: 'An access token or a refresh token.' };
const typeHint = {
  ...param,
  description: 'Optional hint, `access_token` or `refresh_token` (RFC 7009 §2.1); other values are ignored.',
};

const revokeParams = schema({
  type: 'object',
  required: ['token'],
  properties: { token: tokenParam, token_type_hint: typeHint },
  propertyNames: paramName,
  additionalProperties: param,
});

const introspectParams = schema({
  type: 'object',
  description:
    'Client authentication: client_id and client_secret in the body (client_secret_post), or instead HTTP Basic ' +
    '(`Authorization: Basic base64(id:secret)`, client_secret_basic) — one of the two, not both.',
  required: ['token', 'client_id', 'client_secret'],
  properties: {
    token: tokenParam,
    token_type_hint: typeHint,
    client_id: { ...param, minLength: 1 },
    client_secret: { ...param, minLength: 1 },
  },
  propertyNames: paramName,
  additionalProperties: param,
});

const formOrJson = (body: SchemaObject, example: object) => ({
  required: true,
  content: {
    'application/x-www-form-urlencoded': { schema: body, example },
    'application/json': { schema: body, example },
  },
});

// A parameter with U+0000 or an unpaired surrogate is refused before any route runs: an RFC 9457
// validation problem, as on every route of the platform.
const validationProblem = {
  'application/problem+json': { schema: problemDetailsRef },
};

const oauthError = (codes: string[], example: { error: string; error_description: string }) => ({
  'application/json': {
    schema: schema({
      type: 'object',
      required: ['error'],
      properties: { error: { type: 'string', enum: codes }, error_description: { type: 'string' } },
    }),
    example,
  },
});

const html = (description: string) => ({
  'text/html': { schema: schema({ type: 'string', description }), example: '<!doctype html><html lang="en">…</html>' },
});

/** `POST /identity/v1/revoke` (RFC 7009): public, always 200 for a well-formed request. */
export function ApiRevokeEndpoint(): MethodDecorator {
  return applyDecorators(
    ApiPublic(),
    ApiOperation({
      summary: 'Revoke a token (RFC 7009): a refresh token ends its session',
      description:
        'Public (no bearer token: holding the token is the proof). `token` (form-urlencoded or JSON), optional `token_type_hint`. ' +
        'A refresh token ends its session: every refresh token of that sign-in stops working and the access tokens of the session ' +
        "are refused by identity's own API and introspection from then on. An access token, an unknown or an already revoked token " +
        'get the same 200, as RFC 7009 §2.2 requires. 400 invalid_request (OAuth JSON) without `token`.',
      requestBody: formOrJson(revokeParams, { token: 'dGhpcyBpcyBhbiBleGFtcGxl', token_type_hint: 'refresh_token' }),
    }),
    ApiResponse({ status: 200, description: 'Revoked, or nothing to revoke (empty body)', headers: noStore }),
    ApiResponse({
      status: 400,
      description:
        'invalid_request (OAuth JSON): no body, no `token`, a parameter repeated or not a string; a parameter with U+0000 or an unpaired surrogate: an RFC 9457 validation problem',
      content: {
        ...oauthError(['invalid_request'], {
          error: 'invalid_request',
          error_description: 'parameter token is required',
        }),
        ...validationProblem,
      },
    }),
  );
}

/** `POST /identity/v1/introspect` (RFC 7662): confidential clients only. */
export function ApiIntrospectEndpoint(): MethodDecorator {
  return applyDecorators(
    ApiPublic(),
    ApiOperation({
      summary: 'Introspect a token (RFC 7662): confidential clients only (HTTP Basic client authentication)',
      description:
        'For configured service clients (IDENTITY_CLIENTS), authenticated with HTTP Basic or client_id/client_secret in the body ' +
        '(no bearer token; 401 invalid_client for anyone else). Answers `{ "active": true, … }` for an access token identity signed, ' +
        'unexpired, of an account still enabled (with its current roles), or an unused refresh token of a live session; ' +
        '`{ "active": false }` for anything else. 400 invalid_request without `token`.',
      requestBody: formOrJson(introspectParams, {
        token: '<ES256-signed JWT>',
        client_id: 'ordering',
        client_secret: 's3cret',
      }),
    }),
    ApiResponse({
      status: 200,
      description: "The token's state (RFC 7662 §2.2)",
      headers: noStore,
      content: {
        'application/json': {
          schema: schema({
            type: 'object',
            required: ['active'],
            properties: {
              active: { type: 'boolean' },
              token_type: { type: 'string', enum: ['Bearer', 'refresh_token'] },
              sub: { type: 'string' },
              scope: { type: 'string' },
              username: { type: 'string', description: "The account's e-mail address (access tokens of users)." },
              client_id: { type: 'string' },
              roles: { type: 'array', items: { type: 'string' } },
              iss: { type: 'string' },
              aud: { description: 'Audience(s) of an access token.' },
              exp: { type: 'integer', description: 'Expiry (seconds since the epoch).' },
              iat: { type: 'integer' },
              sid: { type: 'string', description: 'Session id.' },
            },
          }),
          examples: {
            active: {
              summary: 'An active access token',
              value: {
                active: true,
                token_type: 'Bearer',
                sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f',
                username: 'ann@example.com',
                roles: ['customer'],
                iss: 'http://localhost:8000/identity/v1',
                aud: 'archipelago',
                exp: 1796533200,
                iat: 1796532300,
              },
            },
            inactive: { summary: 'Expired, revoked, unknown or foreign', value: { active: false } },
          },
        },
      },
    }),
    ApiResponse({
      status: 400,
      description:
        'invalid_request (OAuth JSON): no body, no `token`, a parameter repeated or not a string; a parameter with U+0000 or an unpaired surrogate: an RFC 9457 validation problem',
      content: {
        ...oauthError(['invalid_request'], {
          error: 'invalid_request',
          error_description: 'parameter token is required',
        }),
        ...validationProblem,
      },
    }),
    ApiResponse({
      status: 401,
      description: 'invalid_client: no or wrong client credentials',
      content: oauthError(['invalid_client'], {
        error: 'invalid_client',
        error_description: 'Client authentication failed',
      }),
    }),
  );
}

/** `GET /identity/v1/authorize` (RFC 6749 §4.1.1 + PKCE, OpenID Connect Core §3.1.2). */
export function ApiAuthorizeEndpoint(): MethodDecorator {
  return applyDecorators(
    ApiPublic(),
    ApiOperation({
      summary: 'Authorization endpoint (authorization code + PKCE S256): the sign-in page',
      description:
        'Public: a browser arrives here from a registered client with `response_type=code`, `client_id`, `redirect_uri` (exactly as registered), ' +
        '`scope` (must include `openid`), `code_challenge` + `code_challenge_method=S256` (PKCE, RFC 7636; required), and optional `state` and `nonce`. ' +
        'Answers the sign-in page; signing in there redirects to `redirect_uri` with `code` and `state`, the code then redeemed at ' +
        '`POST /identity/v1/token` (grant authorization_code with the `code_verifier`). An unknown client or a redirect_uri not registered ' +
        'for it is a 400 HTML error page (never a redirect, RFC 6749 §4.1.2.1); other errors (invalid_request, invalid_scope, ' +
        'unsupported_response_type) redirect to `redirect_uri` with `error` and `state`.',
    }),
    ...authorizeQuery.map((parameter) => ApiQuery(parameter)),
    ApiResponse({
      status: 200,
      description: 'The sign-in page',
      content: html('The sign-in form (e-mail, password).'),
    }),
    ApiResponse({ status: 302, description: 'An error redirected to the client: `redirect_uri?error=…&state=…`' }),
    ApiResponse({
      status: 400,
      description:
        'Unknown client, unregistered redirect_uri, or no usable client_id/redirect_uri: an HTML error page; ' +
        'a parameter with U+0000 or an unpaired surrogate: an RFC 9457 validation problem',
      content: { ...html('The error page.'), ...validationProblem },
    }),
  );
}

/** The authorization request's query parameters (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect Core §3.1.2.1). */
const authorizeQuery: ApiQueryOptions[] = [
  {
    name: 'response_type',
    required: true,
    schema: schema({ type: 'string', const: 'code' }),
    description: 'Only `code` is supported.',
  },
  {
    name: 'client_id',
    required: true,
    schema: schema({ ...param, minLength: 1 }),
    description: 'A registered client (IDENTITY_CLIENTS).',
  },
  {
    name: 'redirect_uri',
    required: true,
    schema: schema({ ...param, format: 'uri' }),
    description: 'Exactly as registered for the client.',
  },
  {
    name: 'scope',
    required: true,
    schema: schema({ ...param, pattern: '(^|\\s)openid(\\s|$)' }),
    description: 'Space-separated; must include `openid`.',
  },
  {
    name: 'code_challenge',
    required: true,
    schema: schema({ type: 'string', pattern: '^[A-Za-z0-9._~-]{43,128}$' }),
    description: 'PKCE challenge: base64url(SHA-256(code_verifier)).',
  },
  { name: 'code_challenge_method', required: true, schema: schema({ type: 'string', const: 'S256' }) },
  {
    name: 'state',
    required: false,
    schema: schema(param),
    description: 'Returned unchanged with the code or the error.',
  },
  { name: 'nonce', required: false, schema: schema(param), description: 'Copied into the ID token.' },
];

/**
 * `POST /identity/v1/authorize`: the sign-in form of the authorization endpoint's page posts here
 * (form-urlencoded `request_id`, `email`, `password`). Browsers only; never called by an API client.
 */
export function ApiSignInEndpoint(): MethodDecorator {
  return applyDecorators(
    ApiPublic(),
    ApiOperation({
      summary:
        'Sign-in form of the authorization endpoint (browsers): e-mail and password for a pending authorization request',
      description:
        'Posted by the sign-in page that `GET /identity/v1/authorize` renders; `request_id` is the hidden field of that page. ' +
        "Correct credentials: 303 to the client's `redirect_uri` with `code`, `state` and `iss` (RFC 9207). Wrong credentials: the page again " +
        'with a message (400); too many failed attempts for the account or the IP: the page with a message (429). An unknown or expired ' +
        '`request_id`: an HTML error page (400). 503 when password hashing is saturated (retry after `Retry-After`). ' +
        'Second factor (TOTP, RFC 6238): for an account with an authenticator the right password answers 200 with the code step; posting ' +
        '`request_id` + `otp` (the 6-digit code, a recovery code, or the 8-digit code e-mailed on request) then redirects (303) or shows the step again (400 wrong or used code, 429 too many). ' +
        '`request_id` + `send_email_code` on that step e-mails an 8-digit one-time code (the fallback factor; single use, 10 minutes; the step again, 200, or 429 when asked too often). ' +
        "When the account's role requires a second factor it has not set up, the 200 page enrols one (QR code, `otpauth://` link, key), " +
        'its first code confirms it and a page shows the 10 recovery codes once; posting `request_id` again continues (303).',
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: schema({
              type: 'object',
              required: ['request_id'],
              properties: { request_id: param, email: param, password: param, otp: param, send_email_code: param },
              propertyNames: paramName,
              additionalProperties: param,
            }),
            example: { request_id: '<request id from the page>', email: 'ann@example.com', password: '<password>' },
          },
        },
      },
    }),
    ApiResponse({ status: 303, description: 'Signed in: back to the client with `code`, `state` and `iss`' }),
    ApiResponse({
      status: 200,
      description:
        'The sign-in page again (nothing decided), the one-time code step, the enrolment step, or the recovery codes page',
      content: html('The sign-in form, or a second-factor page.'),
    }),
    ApiResponse({
      status: 400,
      description:
        'Wrong e-mail or password or one-time code (the page again, with a message), or an unknown or expired request_id (an HTML error page); ' +
        'a parameter with U+0000 or an unpaired surrogate: an RFC 9457 validation problem',
      content: { ...html('The sign-in page with a message, or the error page.'), ...validationProblem },
    }),
    ApiResponse({
      status: 429,
      description: 'Too many failed attempts: the page with a message',
      content: html('The sign-in page with a message.'),
    }),
    ApiResponse({
      status: 503,
      description: 'Password hashing is saturated: retry after `Retry-After` seconds',
      content: validationProblem,
    }),
  );
}

const userinfoResponses = [
  ApiResponse({
    status: 200,
    description:
      'Claims of the signed-in user (OpenID Connect Core §5.3.2): `email` with the email scope, `name` with profile',
    headers: noStore,
    content: {
      'application/json': {
        schema: schema({
          type: 'object',
          required: ['sub'],
          properties: {
            sub: { type: 'string' },
            email: { type: 'string' },
            email_verified: { type: 'boolean' },
            name: { type: 'string' },
          },
        }),
        example: {
          sub: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f',
          email: 'ann@example.com',
          email_verified: false,
          name: 'Ann',
        },
      },
    },
  }),
  ApiResponse({
    status: 401,
    description: 'invalid_token (RFC 6750): missing, invalid or expired access token, or one not issued to a user',
    content: {
      'application/json': {
        schema: schema({ type: 'object', properties: { error: { const: 'invalid_token' } } }),
        example: { error: 'invalid_token' },
      },
    },
  }),
  ApiResponse({
    status: 403,
    description: 'insufficient_scope: the access token lacks the `openid` scope',
    content: {
      'application/json': {
        schema: schema({ type: 'object', properties: { error: { const: 'insufficient_scope' } } }),
        example: { error: 'insufficient_scope' },
      },
    },
  }),
];

/** `GET|POST /identity/v1/userinfo` (OpenID Connect Core §5.3). */
export function ApiUserinfoEndpoint(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      summary: 'OpenID Connect UserInfo (bearer access token)',
      description:
        'Any signed-in user (bearer access token of a user with the `openid` scope, e.g. from the authorization_code grant). ' +
        'Answers `sub`, plus `email`/`email_verified` with the `email` scope and `name` with `profile`. Errors are RFC 6750: 401 ' +
        '`invalid_token` (with `WWW-Authenticate: Bearer error="invalid_token"`), 403 `insufficient_scope` without `openid`.',
    }),
    ...userinfoResponses,
  );
}

/** `GET /identity/v1/logout` (OpenID Connect RP-Initiated Logout 1.0). */
export function ApiLogoutEndpoint(): MethodDecorator {
  return applyDecorators(
    ApiPublic(),
    ApiOperation({
      summary: 'RP-initiated logout (end_session_endpoint): ends the session of id_token_hint',
      description:
        'Public (a browser follows it from the client). With `id_token_hint` (an ID token identity signed) the session it names ends: ' +
        "its refresh tokens stop working. With a valid hint and a `post_logout_redirect_uri` registered for the hint's client it " +
        'redirects there (302, with `state`); otherwise it answers a signed-out page. An invalid hint ends nothing.',
    }),
    ApiResponse({ status: 200, description: 'Signed out: an HTML page', content: html('The signed-out page.') }),
    ApiResponse({ status: 302, description: "Back to the client's post_logout_redirect_uri (with `state`)" }),
  );
}
