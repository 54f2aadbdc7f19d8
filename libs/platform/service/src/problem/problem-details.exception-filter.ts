import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { PinoLogger as NestPinoLogger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { PLATFORM_OPTIONS, type PlatformOptions } from '../platform-options.js';
import { PROBLEM_JSON, toProblemDetails } from './problem-details.js';

/**
 * The global exception filter: every error leaving an HTTP handler, a guard, a pipe, fastify's body
 * parser or the not-found handler becomes an RFC 9457 `application/problem+json` response
 * (see {@link toProblemDetails}). Unexpected errors are logged in full, with the request id, and
 * answered with a generic 500. Non-HTTP contexts (gRPC, Kafka) are left to their own filters.
 */
@Catch()
@Injectable()
export class ProblemDetailsExceptionFilter implements ExceptionFilter {
  constructor(@Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply | ServerResponse>();
    const requestId = String(request.id ?? 'unknown');
    const { problem, unexpected, storageRefusal } = toProblemDetails(exception, {
      path: (request.url ?? '/').split('?')[0]!,
      requestId,
      domainErrors: this.options.domainErrors,
    });
    // pino-http's per-request logger (the last in `allLogs`: middie sets `log` to fastify's own) already
    // carries requestId, service and trace id; outside a logged request, the root logger plus the id.
    const raw = ((request as { raw?: object }).raw ?? request) as { allLogs?: PinoLogger[] };
    const requestLog = raw.allLogs?.at(-1);
    const log = requestLog ?? NestPinoLogger.root;
    const fields = requestLog ? {} : { requestId };
    if (unexpected) log.error({ ...fields, err: exception }, 'unhandled error');
    else if (storageRefusal) log.warn({ ...fields, err: exception }, 'storage refused client input');
    else if (problem.status >= 500) log.warn({ ...fields, problem }, 'request failed');
    send(reply, problem.status, JSON.stringify(problem), retryAfterOf(exception, problem.status));
  }
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) for a 503 or 429 whose error carries `retryAfterSeconds` (a
 * positive number of seconds), e.g. a domain error meaning "not now".
 */
function retryAfterOf(exception: unknown, status: number): string | undefined {
  if (status !== 503 && status !== 429) return undefined;
  const seconds = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? String(Math.ceil(seconds))
    : undefined;
}

function send(reply: FastifyReply | ServerResponse, status: number, body: string, retryAfter?: string): void {
  const headers = {
    'content-type': `${PROBLEM_JSON}; charset=utf-8`,
    ...(retryAfter && { 'retry-after': retryAfter }),
  };
  if ('raw' in reply) {
    if (reply.sent) return;
    void reply.status(status).headers(headers).send(body);
    return;
  }
  // Errors raised inside Nest middleware arrive with the raw Node response.
  if (reply.headersSent) return;
  reply.writeHead(status, headers).end(body);
}
