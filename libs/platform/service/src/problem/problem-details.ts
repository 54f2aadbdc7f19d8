import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

/** Media type of an RFC 9457 problem document. */
export const PROBLEM_JSON = 'application/problem+json';

/** Base of the `type` URIs of Archipelago's problem types. */
export const PROBLEM_TYPE_BASE = 'https://archipelago.dev/problems/';

/**
 * An RFC 9457 problem details object. `type`, `title`, `status`, `detail` and `instance` are the
 * RFC's members; anything else is an extension member (`requestId` on every response here,
 * `errors` on validation problems, `code` on domain errors).
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/** One invalid input: `pointer` (RFC 6901 JSON Pointer into the body) or `parameter` (query/path name). */
export interface InvalidParam {
  pointer?: string;
  parameter?: string;
  detail: string;
}

/**
 * The `type` URI for a problem code: `PRODUCT.NOT_FOUND` → `https://archipelago.dev/problems/product-not-found`.
 */
export function problemTypeUri(code: string): string {
  return PROBLEM_TYPE_BASE + kebab(code);
}

function kebab(code: string): string {
  return code
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/** `PRODUCT.NOT_FOUND` → `Product not found`: a stable title derived from a stable code. */
function titleFromCode(code: string): string {
  const words = kebab(code).replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Options of {@link ProblemException}. */
export interface ProblemInit {
  /** Absolute URI naming the problem type; default `about:blank` (the status says it all, RFC 9457 §4.2.1). */
  type?: string;
  /** Short summary, the same for every occurrence of the type. */
  title: string;
  /** Explanation specific to this occurrence, safe to show to the client. */
  detail?: string;
  /** Extension members; must not use the RFC member names. */
  extensions?: Record<string, unknown>;
}

/**
 * An HTTP error rendered as an RFC 9457 problem document. Throw it from handlers (or subclass it)
 * when the status, type and title are known at the throw site; domain errors should instead carry a
 * `code` mapped through {@link DomainErrorMapping}.
 */
export class ProblemException extends HttpException {
  readonly problem: Required<Pick<ProblemInit, 'type' | 'title'>> & Omit<ProblemInit, 'type' | 'title'>;

  constructor(status: number, init: ProblemInit) {
    super(init.detail ?? init.title, status);
    this.problem = { ...init, type: init.type ?? 'about:blank' };
  }
}

/** 400 for a request whose body, query or path parameters failed validation; one entry in `errors` per bad field. */
export class ValidationProblemException extends ProblemException {
  constructor(readonly errors: readonly InvalidParam[]) {
    super(400, {
      type: problemTypeUri('validation-failed'),
      title: 'Request validation failed',
      detail: `${errors.length} invalid ${errors.length === 1 ? 'field' : 'fields'}; see errors.`,
      extensions: { errors },
    });
  }
}

/** Where a domain error code maps: a status, or a status with an explicit title. */
export type DomainErrorTarget = number | { status: number; title?: string };

/**
 * Maps domain error codes to HTTP statuses, e.g. `{ 'PRODUCT.NOT_FOUND': 404, 'PRODUCT.INSUFFICIENT_STOCK': 409 }`.
 * Applied to any thrown error with a string `code` property (the `DomainError` of
 * `@archipelago/util-decider`). A code that is not mapped is an unexpected error (500): mapping
 * is explicit so that no internal error leaks as a 4xx by accident.
 */
export type DomainErrorMapping = Readonly<Record<string, DomainErrorTarget>>;

// Errors fastify raises before a handler runs, reported as problems a client can act on.
const FASTIFY_PROBLEMS: Record<string, { code: string; title: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed-body', title: 'Malformed request body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'malformed-body', title: 'Malformed request body' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'malformed-body', title: 'Malformed request body' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported-media-type', title: 'Unsupported media type' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload-too-large', title: 'Payload too large' },
};

/**
 * Postgres refusals (SQLSTATE → what the client sent) that client input can trigger and that
 * validation should have caught: answered as a 400 problem instead of a 500, as a safety net.
 * The detail is fixed per SQLSTATE: Postgres' own message can name tables and indexes.
 */
export const STORAGE_REFUSALS: Readonly<Record<string, string>> = {
  '22P05': 'A text value contains a character that cannot be stored (e.g. U+0000).',
  '22021': 'A text value contains a character that is not valid in the storage encoding.',
  '22P02': 'A value is not in the format its field requires.',
  '22001': 'A text value is longer than its field allows.',
  '22003': 'A number is out of the range its field allows.',
  '22007': 'A date or time value is malformed.',
  '22008': 'A date or time value is out of range.',
  '22023': 'A parameter value is invalid (e.g. an unknown time zone name).',
  '42622': 'A name is longer than storage allows.',
  '54000': 'A value is too large to be indexed; send a shorter one.',
};

/** The pg driver's error shape: a five-character SQLSTATE in `code` and a `severity`. */
function sqlStateOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('severity' in error)) return undefined;
  const code = codeOf(error);
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** What {@link toProblemDetails} needs to know about the request. */
export interface ProblemContext {
  /** Request path, without the query string: becomes `instance`. */
  path: string;
  requestId: string;
  domainErrors?: DomainErrorMapping;
}

/** The outcome: the problem to send and whether the error was unexpected (to be logged with its stack). */
export interface ProblemOutcome {
  problem: ProblemDetails;
  unexpected: boolean;
  /** The error was a storage refusal of client input ({@link STORAGE_REFUSALS}): worth a warning. */
  storageRefusal?: boolean;
}

/**
 * Turns anything thrown while serving a request into an RFC 9457 problem:
 * {@link ProblemException} as given; an error with a mapped `code` → its mapped status, type
 * `https://archipelago.dev/problems/<code-kebab>`, the error message as detail and `code`/`details`
 * extensions; fastify body errors (malformed JSON, 413, 415) → their status with a specific type;
 * a Postgres refusal of client input ({@link STORAGE_REFUSALS}: SQLSTATE 22P05, 22003, 54000 …) →
 * 400 `unstorable-input` with `storageRefusal: true`;
 * any other `HttpException` → its status with `about:blank`; everything else → 500 with a generic
 * detail (never the message or stack) and `unexpected: true`.
 */
export function toProblemDetails(error: unknown, context: ProblemContext): ProblemOutcome {
  const base = { instance: context.path };
  const ext = { requestId: context.requestId };
  if (error instanceof ProblemException) {
    const { type, title, detail, extensions } = error.problem;
    const status = error.getStatus();
    return {
      problem: { type, title, status, ...(detail !== undefined && { detail }), ...base, ...extensions, ...ext },
      unexpected: false,
    };
  }
  const code = codeOf(error);
  const target = code === undefined ? undefined : context.domainErrors?.[code];
  if (code !== undefined && target !== undefined) {
    const status = typeof target === 'number' ? target : target.status;
    const title = (typeof target === 'object' && target.title) || titleFromCode(code);
    const details = (error as { details?: unknown }).details;
    const hasDetails = typeof details === 'object' && details !== null && Object.keys(details).length > 0;
    return {
      problem: {
        type: problemTypeUri(code),
        title,
        status,
        detail: (error as Error).message || title,
        ...base,
        code,
        ...(hasDetails && { details }),
        ...ext,
      },
      unexpected: false,
    };
  }
  const sqlState = sqlStateOf(error);
  const refusal = sqlState === undefined ? undefined : STORAGE_REFUSALS[sqlState];
  if (refusal !== undefined) {
    return {
      problem: {
        type: problemTypeUri('unstorable-input'),
        title: 'Input cannot be stored',
        status: 400,
        detail: refusal,
        ...base,
        ...ext,
      },
      unexpected: false,
      storageRefusal: true,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status < 500) {
      const fastify = FASTIFY_PROBLEMS[codeOf(error.cause) ?? ''];
      const problem: ProblemDetails = fastify
        ? { type: problemTypeUri(fastify.code), title: fastify.title, status, detail: error.message, ...base, ...ext }
        : {
            type: 'about:blank',
            title: STATUS_CODES[status] ?? 'Error',
            status,
            detail: detailOf(error),
            ...base,
            ...ext,
          };
      return { problem, unexpected: false };
    }
  }
  const status = error instanceof HttpException ? error.getStatus() : 500;
  return {
    problem: {
      type: 'about:blank',
      title: STATUS_CODES[status] ?? 'Internal Server Error',
      status,
      detail: `The server could not complete the request. Quote request id ${context.requestId} when reporting it.`,
      ...base,
      ...ext,
    },
    unexpected: true,
  };
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function detailOf(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : error.message;
}
