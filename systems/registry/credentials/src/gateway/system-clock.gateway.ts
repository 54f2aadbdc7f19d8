import type { ClockPort } from '../use-case/port/clock.port.js';

/** The machine's clock (UTC). Tests pass their own {@link ClockPort}. */
export class SystemClockGateway implements ClockPort {
  now(): string {
    return new Date().toISOString();
  }
}
