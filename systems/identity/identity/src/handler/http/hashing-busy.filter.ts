import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HashingBusyError } from '../../use-case/port/password-hasher.port.js';

/**
 * HashingBusyError → 503 `application/problem+json` (RFC 9457) with `Retry-After` (RFC 9110
 * §10.2.3): the password-hashing queue is full, the request was not processed; retry.
 */
@Catch(HashingBusyError)
export class HashingBusyFilter implements ExceptionFilter {
  catch(error: HashingBusyError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    void http
      .getResponse<FastifyReply>()
      .status(503)
      .header('Retry-After', String(error.retryAfterSeconds))
      .header('content-type', 'application/problem+json; charset=utf-8')
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          detail: error.message,
          instance: request.url.split('?')[0],
        }),
      );
  }
}
