import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { type LevelWithSilent, stdTimeFunctions } from 'pino';
import { parseTraceparent } from '../context/request-context.js';
import type { PlatformOptions } from '../platform-options.js';

/** Paths censored in every log line: credentials must never reach logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'authorization',
];

/** Query parameters that carry secrets (feed tokens, OAuth tokens): their values never reach logs. */
const SECRET_QUERY = /([?&](?:token|access_token|refresh_token)=)[^&#]*/gi;

/** `url` with the values of secret query parameters (`token=` …) replaced by `[redacted]`. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY, '$1[redacted]');
}

// Probes and scrapes run every few seconds; a line per call would drown the useful ones.
const QUIET_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/**
 * nestjs-pino parameters: JSON lines with `service` (and `system`), `requestId` (the fastify request
 * id, i.e. `X-Request-Id` or a generated UUID), `traceId`/`spanId` when a valid `traceparent` came in,
 * an ISO `time`, and a textual `level`. Bodies are never logged (pino-http's serializers leave them
 * out) and credential headers are censored.
 */
export function pinoHttpParams(options: PlatformOptions): Params {
  const { serviceName, config } = options;
  const pinoHttp: PinoHttpOptions = {
    level: config.LOG_LEVEL as LevelWithSilent,
    base: { service: serviceName, ...(config.SYSTEM && { system: config.SYSTEM }), pid: process.pid },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // The fastify request id (see createHttpApp's genReqId), copied onto the raw request by middie.
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    // Bound to the request's logger: on the request line and on every application log line.
    customProps: (req: IncomingMessage) => ({
      requestId: requestIdOf(req),
      ...parseTraceparent(req.headers.traceparent),
    }),
    // Headers stay out (they carry credentials and cookies); the redact paths are a second guard.
    serializers: {
      req: (req: { method?: string; url?: string; remoteAddress?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    // Nest's middleware layer strips the matched path from `req.url`; `originalUrl` keeps it.
    autoLogging: {
      ignore: (req: IncomingMessage) =>
        QUIET_PATHS.test((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? ''),
    },
  };
  return {
    pinoHttp: options.logDestination ? [pinoHttp, options.logDestination] : pinoHttp,
    renameContext: 'context',
    // nestjs-pino's default route, `{/*splat}`, matches nothing under @nestjs/platform-fastify 12.5
    // (checked): without this, no request would be logged and no log line would carry a request id.
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
  };
}

function requestIdOf(req: IncomingMessage): string {
  return String((req as IncomingMessage & { id?: unknown }).id ?? 'unknown');
}
