import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EdgeService } from './edge-config.model.js';
import type { UpstreamTarget } from './upstream-target.js';

/** Response body of `GET /health` (public port: cached; status port: probed now). */
export interface EdgeHealthReport {
  status: 'ok' | 'unavailable';
  services: Record<string, 'up' | 'down'>;
  /** When the upstreams were probed (RFC 3339); absent before the first probe finished. */
  checkedAt?: string;
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
 * Upstream readiness: `probe()` calls `GET <upstream>/health/ready` of every enabled service in
 * parallel (each with `timeoutMs`) and keeps the result; `start()` repeats it every `intervalMs` in
 * the background, so the public `GET /health` answers from `report` without calling any upstream.
 * Until the first probe finishes every service counts as down.
 */
export class UpstreamHealth {
  private current: EdgeHealthReport;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<EdgeHealthReport> | undefined;

  /**
   * @param services enabled kong.yml services.
   * @param targets where each service is reached.
   * @param timeoutMs timeout of each probe, in ms.
   * @param intervalMs time between background probes, in ms.
   */
  constructor(
    private readonly services: readonly EdgeService[],
    private readonly targets: ReadonlyMap<EdgeService, UpstreamTarget>,
    private readonly timeoutMs: number,
    private readonly intervalMs: number,
  ) {
    this.current = { status: 'unavailable', services: Object.fromEntries(services.map((s) => [s.name, 'down'])) };
  }

  /** The last probe's result. */
  get report(): EdgeHealthReport {
    return this.current;
  }

  /** Probes every upstream now (concurrent callers share one probe) and caches the result. */
  probe(): Promise<EdgeHealthReport> {
    this.inFlight ??= (async () => {
      try {
        const results = await Promise.all(
          this.services.map(async (s) => [s.name, await probe(this.targets.get(s)!, this.timeoutMs)] as const),
        );
        this.current = {
          status: results.every(([, state]) => state === 'up') ? 'ok' : 'unavailable',
          services: Object.fromEntries(results),
          checkedAt: new Date().toISOString(),
        };
        return this.current;
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }

  /** Probes once, then every `intervalMs` until {@link stop} (the timer does not keep the process alive). */
  async start(): Promise<void> {
    await this.probe();
    this.timer ??= setInterval(() => void this.probe(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the background probes. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function send(reply: FastifyReply, report: EdgeHealthReport) {
  return reply.code(report.status === 'ok' ? 200 : 503).header('cache-control', 'no-store').send(report);
}

/**
 * Registers the public port's `GET /health` (never proxied): answers from `health.report` (the last
 * background probe), never calling an upstream. 200 `{status:"ok",services:{name:"up"},checkedAt}`
 * when every service was ready at the last probe, otherwise 503 with each service "up" or "down".
 */
export function registerHealthRoute(app: FastifyInstance, health: UpstreamHealth): void {
  app.get('/health', { config: { edgeOwn: true } }, async (_request, reply) => send(reply, health.report));
}

/**
 * Registers the status port's `GET /health`: probes every upstream now (and refreshes the cache the
 * public port answers from); same body and codes as the public one.
 */
export function registerStatusHealthRoute(status: FastifyInstance, health: UpstreamHealth): void {
  status.get('/health', async (_request, reply) => send(reply, await health.probe()));
}
