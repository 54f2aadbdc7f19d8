// Shared parts of the per-system scenarios (registry, scheduling, notifications): a steady open-model
// load (constant arrival rate) and setup's sign-in through the edge. k6 v2 JavaScript, not Node.
// (flow.js is the commerce scenarios' own flow, with its token renewal and product set-up.)
import http from 'k6/http';
import { fail, sleep } from 'k6';

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:8000').replace(/\/+$/, '');

/** `__ENV[name]` as a number, else `fallback`. */
export const num = (name, fallback) => (__ENV[name] ? Number(__ENV[name]) : fallback);

/**
 * k6 options of one constant-arrival-rate scenario named `name`: `rate` iterations/s for
 * `DURATION` (default 60 s), the report's trend statistics, and no `url` system tag (only the
 * `name` tag tells requests apart, so ids in URLs make no time series of their own).
 * @param {{ name: string, rate: number, thresholds: Record<string, string[]>,
 *   preAllocatedVUs?: number, maxVUs?: number, gracefulStop?: string }} o
 *   VUs default to 2 and 10 per iteration/s (at least 4 and 20); gracefulStop to 20 s.
 */
export function constantRateOptions({ name, rate, thresholds, preAllocatedVUs, maxVUs, gracefulStop }) {
  return {
    scenarios: {
      [name]: {
        executor: 'constant-arrival-rate',
        rate,
        timeUnit: '1s',
        duration: __ENV.DURATION || '60s',
        preAllocatedVUs: preAllocatedVUs ?? Math.max(4, rate * 2),
        maxVUs: maxVUs ?? Math.max(20, rate * 10),
        gracefulStop: gracefulStop ?? '20s',
      },
    },
    thresholds,
    setupTimeout: '180s',
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
    systemTags: ['status', 'method', 'name', 'group', 'check', 'error', 'error_code', 'scenario', 'expected_response'],
  };
}

/**
 * Params of a setup() request tagged `name`: 409 (already there: accounts and definitions are
 * reused between runs) and 429 (retried) count as expected, not as failed requests.
 */
export const setupParams = (name, headers = {}) => ({
  headers,
  tags: { name },
  responseCallback: http.expectedStatuses({ min: 200, max: 299 }, 409, 429),
});

/** POST, retrying a 429 up to 8 times after its Retry-After (the token endpoint allows 60/min per IP). */
export function postPatiently(url, body, params) {
  for (let attempt = 1; ; attempt++) {
    const res = http.post(url, body, params);
    if (res.status !== 429 || attempt >= 8) return res;
    sleep(Math.min(Number(res.headers['Retry-After']) || 5, 61));
  }
}

/**
 * An access token for `username` (RFC 6749 password grant through the edge).
 * Fails the run (k6 `fail`, exit 107 from setup) on any answer but 200.
 */
export function passwordToken(username, password) {
  const res = postPatiently(
    `${BASE_URL}/identity/v1/token`,
    { grant_type: 'password', username, password },
    setupParams('POST /identity/v1/token'),
  );
  if (res.status !== 200) fail(`token for ${username}: ${res.status} ${res.body}`);
  return res.json('access_token');
}

/**
 * Registers `email` (202 for a new and a reused address alike: accounts are reused between runs)
 * and signs it in. @returns the access token; fails the run when signing in fails.
 */
export function registeredUser(email, password, displayName) {
  http.post(
    `${BASE_URL}/identity/v1/users`,
    JSON.stringify({ email, password, displayName }),
    setupParams('POST /identity/v1/users', { 'content-type': 'application/json' }),
  );
  return passwordToken(email, password);
}
