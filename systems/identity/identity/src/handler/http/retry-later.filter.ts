import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginThrottledError } from '../../entity/token/token.errors.js';
import { HashingBusyError } from '../../use-case/port/password-hasher.port.js';

/**
 * Errors that mean "not now" → `application/problem+json` (RFC 9457) with `Retry-After` (RFC 9110
 * §10.2.3): HashingBusyError → 503 (the password-hashing queue is full), LoginThrottledError →
 * 429 (too many failed password checks). The request was not processed.
 */
@Catch(HashingBusyError, LoginThrottledError)
export class RetryLaterFilter implements ExceptionFilter {
  catch(error: HashingBusyError | LoginThrottledError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const status = error instanceof HashingBusyError ? 503 : 429;
    void http
      .getResponse<FastifyReply>()
      .status(status)
      .header('Retry-After', String(error.retryAfterSeconds))
      .header('content-type', 'application/problem+json; charset=utf-8')
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: status === 503 ? 'Service Unavailable' : 'Too Many Requests',
          status,
          detail: error.message,
          instance: request.url.split('?')[0],
        }),
      );
  }
}
