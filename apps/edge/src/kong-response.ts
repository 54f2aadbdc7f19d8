import type { FastifyReply, FastifyRequest } from 'fastify';

/** Kong's own response messages, so that clients see the same bodies locally as in production. */
export const KONG_MESSAGE = {
  noRoute: 'no Route matched with those values',
  /** The local edge's own (Kong answers 404 `noRoute` here; see docs/architecture.md). */
  methodNotAllowed: 'Method not allowed',
  badRequest: 'Bad request',
  badGateway: 'An invalid response was received from the upstream server',
  upstreamTimeout: 'The upstream server is timing out',
  nameResolution: 'name resolution failed',
  unexpected: 'An unexpected error occurred',
} as const;

/**
 * Answers at the edge the way `kong.response.error` does: `{"message": "..."}` as
 * `application/json; charset=utf-8`. Returns the reply so hooks can `return sendKongError(...)`.
 */
export function sendKongError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ message });
}

const continued = new WeakSet<FastifyRequest>();

/**
 * Sends the interim `100 Continue` (RFC 9110 §10.1.1) once, if the client asked for it with
 * `Expect: 100-continue` and no answer was sent yet: call it right before the body is read. The
 * edge holds the 100 back until then (see `createEdge`), so a request refused at the edge (401,
 * 413, 429 …) is answered without the client ever sending its body.
 */
export function sendContinueIfExpected(request: FastifyRequest, reply: FastifyReply): void {
  if (continued.has(request) || reply.sent) return;
  if (request.headers.expect?.trim().toLowerCase() !== '100-continue') return;
  continued.add(request);
  reply.raw.writeContinue();
}
