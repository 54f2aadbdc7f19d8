import type { FastifyInstance } from 'fastify';
import type { EdgeService } from './edge-config.model.js';
import type { UpstreamTarget } from './upstream-target.js';

/** Response body of `GET /health`. */
export interface EdgeHealthReport {
  status: 'ok' | 'unavailable';
  services: Record<string, 'up' | 'down'>;
}

async function probe(target: UpstreamTarget, timeoutMs: number): Promise<'up' | 'down'> {
  try {
    const response = await fetch(`${target.origin}${target.basePath}/health/ready`, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return response.status >= 200 && response.status < 300 ? 'up' : 'down';
  } catch {
    return 'down';
  }
}

/**
 * Registers the edge's own `GET /health` (never proxied): probes `GET <upstream>/health/ready` of
 * every enabled service in parallel, each with `timeoutMs`. 200 `{status:"ok",services:{name:"up"}}`
 * when all answer 2xx, otherwise 503 with each service marked "up" or "down".
 */
export function registerHealthRoute(
  app: FastifyInstance,
  services: readonly EdgeService[],
  targets: ReadonlyMap<EdgeService, UpstreamTarget>,
  timeoutMs = 1000,
): void {
  app.get('/health', { config: { edgeOwn: true } }, async (_request, reply) => {
    const results = await Promise.all(services.map(async (s) => [s.name, await probe(targets.get(s)!, timeoutMs)] as const));
    const report: EdgeHealthReport = {
      status: results.every(([, state]) => state === 'up') ? 'ok' : 'unavailable',
      services: Object.fromEntries(results),
    };
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
}
