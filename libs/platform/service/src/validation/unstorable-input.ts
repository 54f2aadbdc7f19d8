import { findUnstorableString } from '@archipelago/util-safe-text';
import type { FastifyInstance } from 'fastify';
import { type InvalidParam, ValidationProblemException } from '../problem/problem-details.js';

/** The parts of a request a client controls, as fastify parsed them. */
export interface RequestInput {
  body?: unknown;
  query?: unknown;
  params?: unknown;
  headers?: unknown;
}

/**
 * The validation problem for a request carrying a string that cannot be stored (U+0000 or an
 * unpaired UTF-16 surrogate; see `findUnstorableString`), or `undefined` when there is none. The
 * body is reported by RFC 6901 `pointer` (`/items/0/name`), query and path parameters and headers
 * by `parameter` (`q`, `id`, `x-custom`), like the zod validation problems.
 */
export function unstorableInputProblem(input: RequestInput): ValidationProblemException | undefined {
  const errors: InvalidParam[] = [];
  const body = findUnstorableString(input.body);
  if (body) errors.push({ pointer: body.pointer, detail: body.message });
  for (const source of [input.query, input.params, input.headers]) {
    const found = findUnstorableString(source);
    if (found) errors.push({ parameter: parameterName(found.pointer), detail: found.message });
  }
  return errors.length > 0 ? new ValidationProblemException(errors) : undefined;
}

// `/filter/name` (a nested query object) → `filter.name`, with RFC 6901 escapes undone.
function parameterName(pointer: string): string {
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/**
 * Rejects, in every route of the app, a request whose body, query, path parameters or headers carry
 * a string that cannot be stored, with a 400 validation problem naming the field — before guards,
 * pipes and handlers, so no handler or database ever sees one (Postgres refuses U+0000 in `text`
 * and `jsonb`; Node would silently turn a lone surrogate into U+FFFD). Runs as fastify's
 * `preValidation` hook (after body parsing); the error reaches the app's exception filter.
 */
export function rejectUnstorableInput(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    done(unstorableInputProblem(request));
  });
}
