// Options shared by the scenarios: SLO thresholds, trend statistics, and an open-model executor.
import { thresholds } from './slo.js';

export const num = (name, fallback) =>
  __ENV[name] !== undefined && __ENV[name] !== '' ? Number(__ENV[name]) : fallback;

/** Options every scenario has; `scenarios` is the scenario's own. */
export function options(scenarios) {
  return {
    scenarios,
    thresholds: thresholds(),
    // Setup may wait for the token endpoint's per-IP limit (60/min) when many customers log in.
    setupTimeout: '180s',
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
    // Requests are named by route (tags.name); do not also keep one time series per URL.
    systemTags: ['status', 'method', 'name', 'group', 'check', 'error', 'error_code', 'scenario', 'expected_response'],
  };
}

/**
 * Open model: orders (iterations) start at the stages' rates whether or not the system keeps up,
 * so latency is measured honestly (no coordinated omission). One iteration ≈ 1 s (requests +
 * saga + polling), so the VU pool is sized from the peak rate (MAX_VUS caps it, default 1500); `dropped_iterations` in the report
 * says when it was too small.
 */
export function arrivalRate(stages) {
  const peak = Math.max(...stages.map((s) => s.target));
  return {
    executor: 'ramping-arrival-rate',
    startRate: 0,
    timeUnit: '1s',
    preAllocatedVUs: Math.max(2, Math.ceil(peak)),
    maxVUs: Math.max(10, Math.min(Math.ceil(peak * 4), num('MAX_VUS', 1500))),
    stages,
    gracefulStop: '30s',
  };
}
