import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { ReadinessRegistry } from './readiness.registry.js';

/** Fails readiness as soon as shutdown starts, so no new traffic is routed to a stopping instance. */
@Injectable()
export class ShutdownReadiness implements BeforeApplicationShutdown {
  constructor(@Inject(ReadinessRegistry) private readonly registry: ReadinessRegistry) {}

  beforeApplicationShutdown(): void {
    this.registry.markShuttingDown();
  }
}
