/** How a key (an account or a client IP) is throttled after failed sign-ins. */
export interface ThrottlePolicy {
  /** Attempts admitted in a burst: the failure that reaches this count starts the first delay. */
  readonly freeFailures: number;
  /** Longest delay, in seconds. */
  readonly maxDelaySeconds: number;
}

/**
 * The progressive delay (OWASP Authentication Cheat Sheet, "login throttling") after `failures`
 * failed attempts: none below `freeFailures`, then 1 s doubling with each failure, capped at
 * `maxDelaySeconds`. No hard lockout: an attacker can slow an account down, never lock it.
 * @returns seconds during which further attempts of this key are refused without being checked
 */
export function loginDelaySeconds(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(2 ** Math.min(failures - policy.freeFailures, 30), policy.maxDelaySeconds);
}
