import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from './health/health.controller.js';
import { ReadinessRegistry } from './health/readiness.registry.js';
import { pinoHttpParams } from './logging/pino-http.options.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { PLATFORM_CONFIG, PLATFORM_OPTIONS, type PlatformOptions } from './platform-options.js';
import { ProblemDetailsExceptionFilter } from './problem/problem-details.exception-filter.js';
import { ZodValidationPipe } from './validation/zod-validation.pipe.js';
import { ShutdownReadiness } from './health/shutdown-readiness.js';

/**
 * The platform's NestJS wiring, global so service providers can inject its pieces without importing
 * it: pino logging (nestjs-pino), the RFC 9457 exception filter and the zod validation pipe as app
 * filter/pipe, `/health/live` + `/health/ready` (terminus) with {@link ReadinessRegistry}, and
 * `/metrics`. `createHttpApp` imports it for you; import it yourself only when building an app by
 * other means (e.g. a testing module).
 *
 * Injectable: `ReadinessRegistry`, `PLATFORM_CONFIG` (the validated config), `PLATFORM_OPTIONS`,
 * and nestjs-pino's `Logger`/`PinoLogger`.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [LoggerModule.forRoot(pinoHttpParams(options)), TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PLATFORM_OPTIONS, useValue: options },
        { provide: PLATFORM_CONFIG, useValue: options.config },
        {
          provide: ReadinessRegistry,
          useFactory: () => {
            const registry = new ReadinessRegistry();
            for (const [name, check] of Object.entries(options.readinessChecks ?? {})) registry.register(name, check);
            return registry;
          },
        },
        ShutdownReadiness,
        { provide: APP_FILTER, useClass: ProblemDetailsExceptionFilter },
        // A value, not a class: the pipe's optional constructor argument is not a DI dependency.
        { provide: APP_PIPE, useValue: new ZodValidationPipe() },
      ],
      exports: [PLATFORM_OPTIONS, PLATFORM_CONFIG, ReadinessRegistry],
    };
  }
}
