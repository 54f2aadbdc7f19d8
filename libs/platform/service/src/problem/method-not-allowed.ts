import type { FastifyInstance, HTTPMethods } from 'fastify';
import FindMyWay from 'find-my-way';
import { PROBLEM_JSON, ProblemException, toProblemDetails } from './problem-details.js';

/**
 * Answers a request for a known path with a method none of its routes take with
 * `405 Method Not Allowed`, an `Allow` header listing the path's methods (RFC 9110 §15.5.6) and an
 * RFC 9457 problem, instead of fastify's 404. Unknown paths stay 404. Decided in `onRequest`,
 * before the body is read, so a method with body semantics (`QUERY`, `POST` …) sent without a
 * `Content-Type` is a 405 too, not a body error.
 *
 * A static path wins over a templated one (OpenAPI 3.1 §4.8.8, find-my-way's precedence): when a
 * request matched a templated route only because the static path that names it exactly lacks the
 * method (`GET /schema/activate_def`, where `/schema/activate_def` takes POST and `/schema/{id}`
 * takes GET), the answer is the static path's 405 too, not the templated route's 400/404.
 *
 * Every route registered after this call is indexed (register it before `app.init()`); `HEAD` is
 * listed wherever `GET` is (fastify serves it).
 */
export function answerMethodNotAllowed(fastify: FastifyInstance): void {
  const methodsByPattern = new Map<string, Set<string>>();
  type Indexed = { pattern: string; methods: Set<string> };
  let router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | undefined;
  fastify.addHook('onRoute', (route) => {
    const methods = methodsByPattern.get(route.url) ?? new Set<string>();
    for (const method of ([] as HTTPMethods[]).concat(route.method)) {
      methods.add(method.toUpperCase());
      if (method.toUpperCase() === 'GET') methods.add('HEAD');
    }
    methodsByPattern.set(route.url, methods);
    router = undefined;
  });
  const allowedMethods = (url: string): Indexed | undefined => {
    if (!router) {
      router = FindMyWay({ ignoreTrailingSlash: false });
      for (const [pattern, methods] of methodsByPattern) {
        router.on('GET', pattern, () => undefined, { pattern, methods } satisfies Indexed);
      }
    }
    return router.find('GET', url.split('?')[0]!)?.store as Indexed | undefined;
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    const indexed = allowedMethods(request.url);
    if (!indexed || indexed.methods.has(request.method)) return done();
    // Matched: fine unless the path's most specific pattern is another one (a static path that
    // lacks this method, shadowed by a templated route that has it).
    if (!request.is404 && request.routeOptions.url === indexed.pattern) return done();
    const methods = indexed.methods;
    const allow = [...methods].sort().join(', ');
    const { problem } = toProblemDetails(
      new ProblemException(405, {
        title: 'Method Not Allowed',
        detail: `${request.method} is not supported here; allowed: ${allow}.`,
      }),
      { path: request.url.split('?')[0]!, requestId: String(request.id) },
    );
    void reply.code(405).header('allow', allow).header('content-type', `${PROBLEM_JSON}; charset=utf-8`).send(JSON.stringify(problem));
  });
}
