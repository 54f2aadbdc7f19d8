import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// docs/operate.md lists every metric the code defines (prom-client Counter/Gauge/Histogram/Summary).

const root = fileURLToPath(new URL('../..', import.meta.url));

/** `name: '<metric>'` of every prom-client metric constructed in the sources (tests excluded). */
function definedMetrics(): string[] {
  const files = globSync('{apps,libs,systems}/**/src/**/*.ts', { cwd: root }).filter((f) => !f.endsWith('.spec.ts'));
  const names = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    // `new Counter({ name })`, `new client.Gauge({ name })` and wrappers such as `platformCounter({ name })`.
    const calls =
      /(?:\bnew\s+(?:\w+\.)?|\b\w*)(?:Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\(\s*\{[^}]*?\bname:\s*['"`]([a-z_:][a-z0-9_:]*)['"`]/g;
    for (const m of text.matchAll(calls)) names.add(m[1]!);
  }
  return [...names].sort();
}

describe('docs/operate.md', () => {
  it('lists every metric the code defines in its metrics table', () => {
    const operate = readFileSync(join(root, 'docs', 'operate.md'), 'utf8');
    const metrics = definedMetrics();
    expect(metrics).toEqual(
      expect.arrayContaining(['http_requests_total', 'outbox_pending_messages', 'kong_http_requests_total']),
    );
    expect(metrics.filter((name) => !operate.includes(`| \`${name}\` |`))).toEqual([]);
  });
});
