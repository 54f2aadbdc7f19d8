// soak: a moderate rate for a long time, to find leaks, growing lag and slow degradation (memory,
// outbox/inbox tables, projections). 2 min ramp to RATE (default 50 orders/s), DURATION at RATE
// (default 60m), 1 min down. Tokens (15 min) are renewed by each VU (see lib/flow.js).
// Env: RATE (50), DURATION (60m), CUSTOMERS (40), PRODUCTS (20).
import { iteration, setupFlow } from '../lib/flow.js';
import { arrivalRate, num, options as common } from '../lib/options.js';
import { summaryHandler } from '../lib/summary.js';

const RATE = num('RATE', 50);

export const options = common({
  soak: arrivalRate([
    { duration: '2m', target: RATE },
    { duration: __ENV.DURATION || '60m', target: RATE },
    { duration: '1m', target: 0 },
  ]),
});

export function setup() {
  return setupFlow({ customers: 40, products: 20 });
}

export default function (data) {
  iteration(data);
}

export function handleSummary(data) {
  return summaryHandler('soak')(data);
}
