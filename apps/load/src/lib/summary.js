// handleSummary(): k6's end-of-test data as JSON plus a human-readable report, self-contained (no
// jslib download). `apps/load/run.mjs` sets REPORT_JSON / REPORT_TXT (reports/load/<scenario>-<ts>.*);
// without them (plain `k6 run`) the report goes to stdout only.
import { NAMES, REPORT_ONLY, SLO } from './slo.js';

const ms = (v) => (v === undefined ? '-' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
const pct = (v) => (v === undefined ? '-' : `${(v * 100).toFixed(3)} %`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

function thresholdLines(metrics) {
  const lines = [];
  let failed = 0;
  // SLOs first, in the order slo.js lists them; then any other threshold a run added.
  const order = Object.keys(SLO);
  const rank = (name) => (order.includes(name) ? order.indexOf(name) : order.length);
  const names = Object.keys(metrics).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const name of names) {
    const metric = metrics[name];
    for (const [expr, result] of Object.entries(metric.thresholds || {})) {
      if (expr === REPORT_ONLY) continue;
      if (!result.ok) failed++;
      const stat = expr.match(/^(avg|min|med|max|p\([\d.]+\)|rate|count)/)?.[1];
      const value = stat ? metric.values[stat] : undefined;
      const shown =
        value === undefined
          ? '-'
          : metric.type === 'rate'
            ? pct(value)
            : metric.contains === 'time'
              ? ms(value)
              : value;
      lines.push(`  ${result.ok ? '✓' : '✗'} ${pad(name, 52)} ${pad(expr, 14)} measured ${shown}`);
    }
  }
  return { lines, failed };
}

function trendRow(label, m) {
  if (!m) return undefined;
  const v = m.values;
  const count = v.count ?? '';
  return `  ${pad(label, 36)} ${lpad(count, 8)} ${lpad(ms(v.avg), 10)} ${lpad(ms(v.med), 10)} ${lpad(ms(v['p(95)']), 10)} ${lpad(ms(v['p(99)']), 10)} ${lpad(ms(v.max), 10)}`;
}

function checks(group, prefix = '') {
  const rows = (group.checks || []).map(
    (c) =>
      `  ${c.fails ? '✗' : '✓'} ${pad(prefix + c.name, 48)} ${lpad(c.passes, 8)} passed ${lpad(c.fails, 6)} failed`,
  );
  for (const g of group.groups || []) rows.push(...checks(g, `${prefix}${g.name} › `));
  return rows;
}

export function textReport(data, scenario) {
  const m = data.metrics;
  const value = (name, stat) => m[name]?.values?.[stat];
  const seconds = (data.state?.testRunDurationMs ?? 0) / 1000;
  const { lines, failed } = thresholdLines(m);
  const placed = value('orders_placed', 'count') ?? 0;
  const out = [
    `Archipelago load test — scenario "${scenario}"`,
    `target ${data.setup_data?.runId ? `${__ENV.BASE_URL || 'http://localhost:8000'} (run ${data.setup_data.runId})` : __ENV.BASE_URL || ''}`,
    `duration ${seconds.toFixed(1)} s, VUs max ${value('vus_max', 'max') ?? value('vus_max', 'value') ?? '-'}, iterations ${value('iterations', 'count') ?? 0}` +
      ` (${(value('iterations', 'rate') ?? 0).toFixed(2)}/s), dropped iterations ${value('dropped_iterations', 'count') ?? 0}`,
    '',
    `SLOs: ${failed ? `FAILED (${failed} threshold${failed > 1 ? 's' : ''} crossed)` : 'all met'}`,
    ...lines,
    '',
    `Orders: placed ${placed}, confirmed ${value('orders_confirmed', 'count') ?? 0}, cancelled ${value('orders_cancelled', 'count') ?? 0},` +
      ` stuck (still pending at SAGA_TIMEOUT_MS) ${value('orders_stuck', 'count') ?? 0}; ${(placed / (seconds || 1)).toFixed(2)} orders/s`,
    `Requests: ${value('http_reqs', 'count') ?? 0} (${(value('http_reqs', 'rate') ?? 0).toFixed(1)}/s), failed ${pct(value('http_req_failed', 'rate'))}` +
      `, token renewals ${value('token_renewals', 'count') ?? 0}`,
    '',
    `  ${pad('latency', 36)} ${lpad('count', 8)} ${lpad('avg', 10)} ${lpad('med', 10)} ${lpad('p95', 10)} ${lpad('p99', 10)} ${lpad('max', 10)}`,
    trendRow('saga completion (placed → terminal)', m.saga_completion_ms),
    trendRow('saga, server clock (updated−created)', m.saga_server_ms),
    trendRow('all requests', m.http_req_duration),
    ...[NAMES.listProducts, NAMES.getProduct, NAMES.deposit, NAMES.placeOrder, NAMES.getOrder].map((n) =>
      trendRow(n, m[`http_req_duration{name:${n}}`]),
    ),
    '',
    'Checks:',
    ...checks(data.root_group || {}),
    '',
  ];
  return out.filter((line) => line !== undefined).join('\n');
}

/** The scenario's handleSummary(). */
export function summaryHandler(scenario) {
  return (data) => {
    const text = textReport(data, scenario);
    const files = { stdout: `\n${text}\n` };
    if (__ENV.REPORT_JSON) files[__ENV.REPORT_JSON] = JSON.stringify(data, null, 2);
    if (__ENV.REPORT_TXT) files[__ENV.REPORT_TXT] = text;
    return files;
  };
}
