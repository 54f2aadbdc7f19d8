// Kong's rate-limiting `local` policy (kong/plugins/rate-limiting, Kong 3.x): one fixed window per
// period, aligned on UTC calendar boundaries, counted in memory; headers chosen as Kong chooses them.

/** Kong's rate-limiting periods, shortest first. */
export const PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

/** Limits per period (requests per window); absent periods are not limited. */
export type PeriodLimits = Partial<Record<Period, number>>;

/** Kong's window length per period in seconds (its EXPIRATION table; month = 30 days, year = 365). */
export const PERIOD_SECONDS: Readonly<Record<Period, number>> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  month: 2_592_000,
  year: 31_536_000,
};

/**
 * Start of the window holding `nowMs` (ms since the epoch), as Kong's `timestamp.get_timestamps`:
 * truncated to the UTC second, minute, hour, day, first of the month, or first of the year.
 */
export function windowStart(period: Period, nowMs: number): number {
  const d = new Date(nowMs);
  switch (period) {
    case 'second':
      return Math.floor(nowMs / 1000) * 1000;
    case 'minute':
      return Math.floor(nowMs / 60_000) * 60_000;
    case 'hour':
      return Math.floor(nowMs / 3_600_000) * 3_600_000;
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'year':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
}

interface Window {
  start: number;
  count: number;
}

/**
 * In-memory fixed-window counters keyed by (identifier, period): Kong's `local` policy. A window
 * resets when the clock enters the next one. Expired windows are swept once the map grows past
 * `sweepAbove` entries, so many distinct callers (IPs) do not grow memory without bound.
 */
export class LocalRateLimitCounters {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly sweepAbove = 100_000) {}

  /** Requests counted so far in the current `period` window of `identifier`. */
  usage(identifier: string, period: Period, nowMs: number): number {
    const window = this.windows.get(`${period}|${identifier}`);
    return window !== undefined && window.start === windowStart(period, nowMs) ? window.count : 0;
  }

  /** Counts one request (or `value`) in every limited period of `identifier`. */
  increment(identifier: string, limits: PeriodLimits, nowMs: number, value = 1): void {
    for (const period of PERIODS) {
      if (limits[period] === undefined) continue;
      const key = `${period}|${identifier}`;
      const start = windowStart(period, nowMs);
      const window = this.windows.get(key);
      if (window !== undefined && window.start === start) window.count += value;
      else this.windows.set(key, { start, count: value });
    }
    if (this.windows.size > this.sweepAbove) this.sweep(nowMs);
  }

  /** Number of live counters (for tests and diagnostics). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(nowMs: number): void {
    for (const [key, window] of this.windows) {
      const period = key.slice(0, key.indexOf('|')) as Period;
      if (window.start !== windowStart(period, nowMs)) this.windows.delete(key);
    }
  }
}

/** Outcome of one request against its limits. */
export interface RateLimitDecision {
  /** The period whose limit is exhausted (answer 429), or undefined to let the request through. */
  readonly exceeded: Period | undefined;
  /**
   * Kong's response headers: `X-RateLimit-Limit-<Period>` / `X-RateLimit-Remaining-<Period>` per
   * period, and the IETF draft fields `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`
   * (seconds) of the most constrained period (draft-polli-ratelimit-headers-02).
   */
  readonly headers: Record<string, string>;
  /** Seconds until the most constrained window resets (Retry-After on 429, RFC 6585 §4). */
  readonly resetSeconds: number;
}

const capitalized = (period: Period) => period[0]!.toUpperCase() + period.slice(1);

/**
 * Decides one request the way Kong's rate-limiting access phase does: a period is exceeded when
 * its usage has reached its limit; remaining counts include this request (except for the periods
 * that are not the exceeded one when another is); the RateLimit-* fields report the period with
 * the least remaining (on a tie, the longer window), and Reset = max(1, window − elapsed seconds).
 * @param usageOf requests already counted in the current window of a period
 */
export function decideRateLimit(
  limits: PeriodLimits,
  usageOf: (period: Period) => number,
  nowMs: number,
): RateLimitDecision {
  const usage = PERIODS.filter((p) => limits[p] !== undefined).map((period) => {
    const limit = limits[period]!;
    return { period, limit, remaining: limit - usageOf(period) };
  });
  let exceeded: Period | undefined;
  for (const u of usage) if (u.remaining <= 0) exceeded = u.period;

  const headers: Record<string, string> = {};
  let chosen: { limit: number; remaining: number; window: number; period: Period } | undefined;
  for (const u of usage) {
    const remaining = Math.max(0, exceeded === undefined || exceeded === u.period ? u.remaining - 1 : u.remaining);
    const window = PERIOD_SECONDS[u.period];
    if (
      chosen === undefined ||
      remaining < chosen.remaining ||
      (remaining === chosen.remaining && window > chosen.window)
    ) {
      chosen = { limit: u.limit, remaining, window, period: u.period };
    }
    headers[`X-RateLimit-Limit-${capitalized(u.period)}`] = String(u.limit);
    headers[`X-RateLimit-Remaining-${capitalized(u.period)}`] = String(remaining);
  }
  if (chosen === undefined) return { exceeded: undefined, headers: {}, resetSeconds: 0 };
  const elapsed = Math.floor((nowMs - windowStart(chosen.period, nowMs)) / 1000);
  const resetSeconds = Math.max(1, chosen.window - elapsed);
  headers['RateLimit-Limit'] = String(chosen.limit);
  headers['RateLimit-Remaining'] = String(chosen.remaining);
  headers['RateLimit-Reset'] = String(resetSeconds);
  return { exceeded, headers, resetSeconds };
}
