import type { FastifyReply } from 'fastify';

/** Kong's own response messages, so that clients see the same bodies locally as in production. */
export const KONG_MESSAGE = {
  noRoute: 'no Route matched with those values',
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
