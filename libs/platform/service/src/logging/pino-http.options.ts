import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
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
  const pinoHttp: NonNullable<Params['pinoHttp']> = {
    name: serviceName,
    level: config.LOG_LEVEL as LevelWithSilent,
    base: { service: serviceName, ...(config.SYSTEM && { system: config.SYSTEM }), pid: process.pid },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    customAttributeKeys: { reqId: 'requestId' },
    // The fastify request id (see createHttpApp's genReqId), copied onto the raw request by middie.
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? 'unknown',
    customProps: (req: IncomingMessage) => parseTraceparent(req.headers.traceparent) ?? {},
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.test(req.url ?? '') },
    quietReqLogger: false,
  };
  return {
    pinoHttp: options.logDestination ? [pinoHttp, options.logDestination] : pinoHttp,
    renameContext: 'context',
  };
}
