import { Controller, Get, Header, Inject, SetMetadata } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ProblemException, problemTypeUri } from '../problem/problem-details.js';
import { ApiProblemResponses, ApiPublic } from '../openapi/zod-openapi.decorators.js';
import { ReadinessRegistry } from './readiness.registry.js';

/**
 * Kubernetes probes: `/health/live` answers 200 while the process serves HTTP; `/health/ready`
 * runs every registered readiness check (terminus) and answers 200 when all pass, else a 503
 * problem whose `checks` extension says which failed.
 */
@ApiTags('health')
@ApiPublic()
// Probes never need a token: `archipelago:public` is @archipelago/platform-auth's PUBLIC_ROUTE_KEY.
@SetMetadata('archipelago:public', true)
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(ReadinessRegistry) private readonly registry: ReadinessRegistry,
  ) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Liveness probe',
    description: 'Public (Kubernetes liveness probe): 200 `{"status":"ok"}` while the process serves HTTP. Checks nothing else.',
  })
  @ApiOkResponse({
    description: 'The process is up.',
    content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } }, example: { status: 'ok' } } },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Readiness probe',
    description:
      'Public (Kubernetes readiness probe): runs every readiness check of the service (e.g. `postgres`, `outbox`). 200 when all pass; 503 problem (`type` …/not-ready) when one fails or times out, or while the service shuts down, with a `checks` extension naming each check and its result.',
  })
  @ApiOkResponse({ description: 'Every readiness check passed.' })
  @ApiProblemResponses(503)
  async ready(): Promise<unknown> {
    if (this.registry.isShuttingDown()) {
      throw new ProblemException(503, {
        type: problemTypeUri('not-ready'),
        title: 'Service not ready',
        detail: 'The service is shutting down.',
      });
    }
    const checks = [...this.registry.entries()].map(
      ([name, { check, timeoutMs }]) =>
        (): PromiseLike<HealthIndicatorResult> =>
          this.indicators
            .check(name)
            .attempt(async ({ signal }) => {
              const result = await check(signal);
              if (result === false) throw new Error(`${name} is not ready`);
              return typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : undefined;
            })
            .withTimeout(timeoutMs),
    );
    try {
      return await this.health.check(checks);
    } catch (error) {
      const response = (error as { getResponse?: () => unknown }).getResponse?.() as
        { details?: Record<string, { status: string }> } | undefined;
      if (!response?.details) throw error;
      const failing = Object.entries(response.details)
        .filter(([, detail]) => detail.status !== 'up')
        .map(([name]) => name);
      throw new ProblemException(503, {
        type: problemTypeUri('not-ready'),
        title: 'Service not ready',
        detail: `Failing readiness checks: ${failing.join(', ')}.`,
        extensions: { checks: response.details },
      });
    }
  }
}
