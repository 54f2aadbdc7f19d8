import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { LoginThrottledError, SecondFactorRequiredError, TokenRequestError } from '../../entity/token/token.errors.js';
import { HashingBusyError } from '../../use-case/port/password-hasher.port.js';

/**
 * Renders token endpoint errors as RFC 6749 §5.2 JSON (`{ error, error_description }`), not as
 * problem+json: OAuth clients parse this shape. 400, except `invalid_client` → 401 with
 * `WWW-Authenticate: Basic`, and a throttled sign-in → 429 with `Retry-After` (RFC 9110 §10.2.3).
 * A missing second factor adds `mfa_required: true` (an extension member, RFC 6749 §5.2 allows them).
 * A full hashing queue → 503 `temporarily_unavailable` with `Retry-After`.
 * `Cache-Control: no-store` like every token response.
 */
@Catch(TokenRequestError, HashingBusyError)
export class OAuthErrorFilter implements ExceptionFilter {
  catch(error: TokenRequestError | HashingBusyError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof HashingBusyError) {
      void reply
        .status(503)
        .header('Retry-After', String(error.retryAfterSeconds))
        .header('Cache-Control', 'no-store')
        .header('content-type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ error: 'temporarily_unavailable', error_description: error.message }));
      return;
    }
    const throttled = error instanceof LoginThrottledError;
    const status = error.oauthError === 'invalid_client' ? 401 : throttled ? 429 : 400;
    if (status === 401) void reply.header('WWW-Authenticate', 'Basic realm="identity", charset="UTF-8"');
    if (throttled) void reply.header('Retry-After', String(error.retryAfterSeconds));
    void reply
      .status(status)
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .header('content-type', 'application/json; charset=utf-8')
      .send(
        JSON.stringify({
          error: error.oauthError,
          error_description: error.message,
          ...(error instanceof SecondFactorRequiredError && { mfa_required: true }),
        }),
      );
  }
}
