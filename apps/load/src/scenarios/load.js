// load: the expected busy-hour traffic, held long enough to be steady. Open model in orders/s:
//   1 min ramp 0 → RATE, 5 min at RATE, 30 s ramp down (≈ 6.5 min, inside one token lifetime).
// Env: RATE (orders/s, default 100; the 2-core target of issue 6 §4 is RATE=300 with --kafka),
//      CUSTOMERS (40), PRODUCTS (20), HOLD (5m).
import { iteration, setupFlow } from '../lib/flow.js';
import { arrivalRate, num, options as common } from '../lib/options.js';
import { summaryHandler } from '../lib/summary.js';

const RATE = num('RATE', 100);

export const options = common({
  load: arrivalRate([
    { duration: '1m', target: RATE },
    { duration: __ENV.HOLD || '5m', target: RATE },
    { duration: '30s', target: 0 },
  ]),
});

export function setup() {
  return setupFlow({ customers: 40, products: 20 });
}

export default function (data) {
  iteration(data);
}

export function handleSummary(data) {
  return summaryHandler('load')(data);
}
