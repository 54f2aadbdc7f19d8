import {
  Counter,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/**
 * The process-wide Prometheus registry served at `/metrics`. Platform libraries (event store,
 * outbox relay, consumers, projections) register their metrics here, preferably through
 * {@link platformCounter} / {@link platformHistogram}, which are safe to call more than once.
 */
export const platformMetricsRegistry = new Registry();

let defaultMetricsCollected = false;

/** Starts collecting the default process metrics (CPU, memory, event loop lag, GC) once per process. */
export function collectProcessMetrics(): void {
  if (defaultMetricsCollected) return;
  defaultMetricsCollected = true;
  collectDefaultMetrics({ register: platformMetricsRegistry });
}

/** The counter `config.name` in {@link platformMetricsRegistry}, created on first call. */
export function platformCounter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  const existing = platformMetricsRegistry.getSingleMetric(config.name);
  return (existing as Counter<L> | undefined) ?? new Counter({ ...config, registers: [platformMetricsRegistry] });
}

/** The histogram `config.name` in {@link platformMetricsRegistry}, created on first call. Durations in seconds. */
export function platformHistogram<L extends string>(
  config: Omit<HistogramConfiguration<L>, 'registers'>,
): Histogram<L> {
  const existing = platformMetricsRegistry.getSingleMetric(config.name);
  return (existing as Histogram<L> | undefined) ?? new Histogram({ ...config, registers: [platformMetricsRegistry] });
}

/** Buckets (seconds) of a {@link latenessHistogram}: 50 ms … 5 min. */
export const LATENESS_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300];

/** Records how late timer-driven work ran. */
export interface LatenessObserver {
  /** One observation per item: seconds from its due time (`dues`) to `ranAt` (an RFC 3339 instant); early counts as 0. */
  observe(ranAt: string, dues: readonly Date[]): void;
}

/**
 * A histogram `config.name` (seconds, {@link LATENESS_BUCKETS_SECONDS}) in {@link platformMetricsRegistry}
 * of how late timer-driven work (reminders, deadlines) ran after its due time; safe to call more than once.
 */
export function latenessHistogram(config: { readonly name: string; readonly help: string }): LatenessObserver {
  const histogram = platformHistogram({ ...config, buckets: LATENESS_BUCKETS_SECONDS });
  return {
    observe(ranAt, dues) {
      const at = Date.parse(ranAt);
      for (const due of dues) histogram.observe(Math.max(0, at - due.getTime()) / 1000);
    },
  };
}
