// stress: where does it break? Steps of STEP orders/s (default 100) up to 4 × STEP, each reached in
// 1 min and held 1.5 min, then 30 s down (≈ 10.5 min). SLOs stay as written: the report shows from
// which step they are crossed (`k6` exits 99 then), and the logs/metrics of the services say why.
// Env: STEP (100), CUSTOMERS (40), PRODUCTS (20).
import { iteration, setupFlow } from '../lib/flow.js';
import { arrivalRate, num, options as common } from '../lib/options.js';
import { summaryHandler } from '../lib/summary.js';

const STEP = num('STEP', 100);

export const options = common({
  stress: arrivalRate([
    { duration: '1m', target: STEP },
    { duration: '1m30s', target: STEP },
    { duration: '1m', target: 2 * STEP },
    { duration: '1m30s', target: 2 * STEP },
    { duration: '1m', target: 3 * STEP },
    { duration: '1m30s', target: 3 * STEP },
    { duration: '1m', target: 4 * STEP },
    { duration: '1m30s', target: 4 * STEP },
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
  return summaryHandler('stress')(data);
}
