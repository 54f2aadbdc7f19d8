/** The time a command happens at, passed to the decider (which stays pure and testable). */
export interface ClockPort {
  /** Now, as an ISO 8601 UTC timestamp. */
  now(): string;
}

export const CLOCK = Symbol('ClockPort');
