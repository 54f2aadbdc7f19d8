// handleSummary() of the per-system scenarios (registry, scheduling): their own SLOs with the values
// measured, then latency per request name. (summary.js is the commerce scenarios' report: orders, saga.)
const ms = (v) => (v === undefined ? '-' : `${v.toFixed(1)} ms`);

/**
 * @param {{ scenario: string, subtitle: string, slo: Record<string, string[]>, names: Record<string, string> }} o
 *   subtitle: the run's parameters (target, rate, users); slo: metric → threshold expressions; names: request names.
 * @returns k6's handleSummary: the report on stdout, and REPORT_JSON / REPORT_TXT files when set (apps/load/run.mjs).
 */
export function scenarioSummary({ scenario, subtitle, slo, names }) {
  const width = Math.max(...Object.keys(slo).map((k) => k.length), 40) + 2;
  const nameWidth = Math.max(...Object.values(names).map((n) => n.length), 'request'.length) + 2;
  return (data) => {
    const m = data.metrics;
    const lines = [`Archipelago load test — scenario "${scenario}" (${subtitle})`, ''];
    let failed = 0;
    for (const [metric, exprs] of Object.entries(slo)) {
      for (const expr of exprs) {
        const result = m[metric]?.thresholds?.[expr];
        if (result && !result.ok) failed++;
        const stat = expr.match(/^(rate|p\([\d.]+\))/)?.[1];
        const value = m[metric]?.values?.[stat];
        const shown = value === undefined ? '-' : stat === 'rate' ? `${(value * 100).toFixed(3)} %` : ms(value);
        lines.push(
          `  ${result?.ok === false ? '✗' : '✓'} ${metric.padEnd(width)} ${expr.padEnd(12)} measured ${shown}`,
        );
      }
    }
    lines.splice(1, 0, `SLOs: ${failed ? `FAILED (${failed} crossed)` : 'all met'}`);
    const it = m.iterations?.values;
    lines.push(
      '',
      `iterations ${it?.count ?? 0} (${(it?.rate ?? 0).toFixed(2)}/s), requests ${m.http_reqs?.values?.count ?? 0}`,
      `  ${'request'.padEnd(nameWidth)} ${'count'.padStart(7)} ${'med'.padStart(10)} ${'p95'.padStart(10)} ${'p99'.padStart(10)}`,
    );
    for (const name of Object.values(names)) {
      const v = m[`http_req_duration{name:${name}}`]?.values;
      if (v)
        lines.push(
          `  ${name.padEnd(nameWidth)} ${String(v.count ?? '').padStart(7)} ${ms(v.med).padStart(10)} ${ms(v['p(95)']).padStart(10)} ${ms(v['p(99)']).padStart(10)}`,
        );
    }
    const text = lines.join('\n');
    const files = { stdout: `\n${text}\n` };
    if (__ENV.REPORT_JSON) files[__ENV.REPORT_JSON] = JSON.stringify(data, null, 2);
    if (__ENV.REPORT_TXT) files[__ENV.REPORT_TXT] = text;
    return files;
  };
}
