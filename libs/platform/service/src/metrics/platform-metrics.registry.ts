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
