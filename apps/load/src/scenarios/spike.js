// spike: a sudden burst and the recovery after it. 30 s up to BASE (20 orders/s), 1 min at BASE,
// 10 s up to PEAK (300 orders/s), 1 min at PEAK, 10 s back to BASE, 2 min at BASE (recovery:
// backlogs drain, saga times come back), 10 s down (≈ 5.5 min).
// Env: BASE (20), PEAK (300), CUSTOMERS (40), PRODUCTS (20).
import { iteration, setupFlow } from '../lib/flow.js';
import { arrivalRate, num, options as common } from '../lib/options.js';
import { summaryHandler } from '../lib/summary.js';

const BASE = num('BASE', 20);
const PEAK = num('PEAK', 300);

export const options = common({
  spike: arrivalRate([
    { duration: '30s', target: BASE },
    { duration: '1m', target: BASE },
    { duration: '10s', target: PEAK },
    { duration: '1m', target: PEAK },
    { duration: '10s', target: BASE },
    { duration: '2m', target: BASE },
    { duration: '10s', target: 0 },
  ]),
});

export function setup() {
  return setupFlow({ customers: 40, products: 20 });
}

export default function (data) {
  iteration(data);
}

export function handleSummary(data) {
  return summaryHandler('spike')(data);
}
