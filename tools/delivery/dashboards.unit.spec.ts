import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The Grafana dashboards query only metrics the services serve: every metric name in a panel's
// PromQL is one docs/operate.md documents (its table lists every metric the code defines, checked
// by tools/docs/operate.unit.spec.ts), so a renamed metric cannot leave an empty panel behind.
const root = join(import.meta.dirname, '../..');

interface Panel {
  id: number;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Array<{ expr: string }>;
}

describe('Grafana dashboards (charts/*/dashboards/*.json)', () => {
  const operate = readFileSync(join(root, 'docs/operate.md'), 'utf8');
  const files = globSync('charts/*/dashboards/*.json', { cwd: root });

  it.each(files)('%s queries documented metrics, with unique panel ids and no overlapping panels', (file) => {
    const panels = (JSON.parse(readFileSync(join(root, file), 'utf8')) as { panels: Panel[] }).panels;
    const names = new Set(
      panels.flatMap((p) =>
        (p.targets ?? []).flatMap((t) =>
          [...t.expr.matchAll(/\b([a-z_:][a-z0-9_:]*)\{/g)].map((m) => m[1]!),
        ),
      ),
    );
    expect(names.size).toBeGreaterThan(0);
    // A histogram's series: `<name>_bucket`, `_count`, `_sum`.
    const documented = (name: string) => [name, name.replace(/_(bucket|count|sum)$/, '')].some((n) => operate.includes(`\`${n}\``));
    expect([...names].filter((name) => !documented(name))).toEqual([]);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = panels.flatMap((p) =>
      Array.from({ length: p.gridPos.w * p.gridPos.h }, (_, i) => `${p.gridPos.x + (i % p.gridPos.w)},${p.gridPos.y + Math.floor(i / p.gridPos.w)}`),
    );
    expect(new Set(cells).size).toBe(cells.length);
  });
});
