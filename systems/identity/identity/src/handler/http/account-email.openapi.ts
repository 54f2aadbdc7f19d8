import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import { ApiPublic, problemDetailsRef } from '@archipelago/platform-service';

// OpenAPI descriptions of the HTML pages the e-mailed links open (verification, password reset):
// query and form parameters, HTML answers, so described by hand (as the sign-in page).

type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];
const schema = (value: object): SchemaObject => value as SchemaObject;

const param = { type: 'string', maxLength: 4096, pattern: '^[^\\u0000]*$' };
const paramName = { type: 'string', pattern: '^[^\\u0000]*$' };
const page = (description: string) => ({
  'text/html': { schema: schema({ type: 'string', description }), example: '<!doctype html><html lang="en">…</html>' },
});
const validationProblem = { 'application/problem+json': { schema: problemDetailsRef } };

const WHAT = {
  verify: { link: 'e-mail verification', done: 'the address is verified (a page saying so)' },
  reset: { link: 'password reset', done: 'the password is replaced and every session ended (a page saying so)' },
} as const;

/** `GET /identity/v1/{email-verification,password-reset}/page?token=…`: the page of an e-mailed link. */
export function ApiEmailLinkPage(kind: keyof typeof WHAT): MethodDecorator {
  return applyDecorators(
    ApiPublic(),
    ApiOperation({
      summary: `The page an e-mailed ${WHAT[kind].link} link opens (browsers)`,
      description:
        `Renders a form that posts the token back (opening the link changes nothing, so mail scanners that fetch links use nothing). ` +
        'No script; `Referrer-Policy: no-referrer`, `Cache-Control: no-store`. 400 (an HTML page) for a missing or malformed token; ' +
        'whether the token is still valid is only checked when the form is posted.',
    }),
    ApiQuery({ name: 'token', required: true, schema: { ...param, description: 'The token of the link.' } }),
    ApiResponse({ status: 200, description: 'The form', content: page('The form.') }),
    ApiResponse({
      status: 400,
      description: 'Missing or malformed token (an HTML page); a parameter with U+0000: an RFC 9457 validation problem',
      content: { ...page('Why the link does not work.'), ...validationProblem },
    }),
  );
}

/** `POST /identity/v1/{email-verification,password-reset}/page`: the form of that page. */
export function ApiEmailLinkForm(kind: keyof typeof WHAT): MethodDecorator {
  const properties = kind === 'verify' ? { token: param } : { token: param, newPassword: param };
  return applyDecorators(
    ApiPublic(),
    ApiOperation({
      summary: `The form of the ${WHAT[kind].link} page (browsers)`,
      description:
        `Posted by the page of the link. 200: ${WHAT[kind].done}. 400 (an HTML page) for a token that is unknown, used, superseded or expired` +
        (kind === 'reset' ? ', or the form again when the new password is not 8–256 characters' : '') +
        (kind === 'reset' ? '; 503 when password hashing is saturated (retry after `Retry-After`).' : '.'),
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: schema({
              type: 'object',
              required: Object.keys(properties),
              properties,
              propertyNames: paramName,
              additionalProperties: param,
            }),
            example: kind === 'verify' ? { token: '<token>' } : { token: '<token>', newPassword: '<new password>' },
          },
        },
      },
    }),
    ApiResponse({ status: 200, description: 'Done', content: page('What happened.') }),
    ApiResponse({
      status: 400,
      description:
        'The link does not work, or a bad field (an HTML page); a parameter with U+0000: an RFC 9457 validation problem',
      content: { ...page('Why not.'), ...validationProblem },
    }),
    ...(kind === 'reset'
      ? [
          ApiResponse({
            status: 503,
            description: 'Password hashing is saturated: retry after `Retry-After` seconds',
            content: validationProblem,
          }),
        ]
      : []),
  );
}
