// smoke: is the whole flow working and within the SLOs at a trickle? 2 VUs for 25 s (closed model,
// 0.2 s think time), 2 customers, 5 products. Runs in .ci/run (`npm run load -- smoke`).
// Env: SMOKE_VUS (2), SMOKE_DURATION (25s).
import { iteration, setupFlow } from '../lib/flow.js';
import { num, options as common } from '../lib/options.js';
import { summaryHandler } from '../lib/summary.js';

export const options = common({
  smoke: {
    executor: 'constant-vus',
    vus: num('SMOKE_VUS', 2),
    duration: __ENV.SMOKE_DURATION || '25s',
    gracefulStop: '20s',
  },
});

export function setup() {
  return setupFlow({ customers: 2, products: 5 });
}

export default function (data) {
  iteration(data, 0.2);
}

export function handleSummary(data) {
  return summaryHandler('smoke')(data);
}
