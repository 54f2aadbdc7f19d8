import { describe, expect, it } from 'vitest';
import { latenessHistogram, platformMetricsRegistry } from './platform-metrics.registry.js';

describe('latenessHistogram', () => {
  it('records seconds from each due time to the run, early as 0, into the platform registry', async () => {
    const lateness = latenessHistogram({ name: 'test_lateness_seconds', help: 'test' });
    lateness.observe('2026-12-07T10:00:01.500Z', [
      new Date('2026-12-07T10:00:00Z'),
      new Date('2026-12-07T10:00:02Z'),
      new Date('2026-12-07T09:59:30Z'),
    ]);
    expect(latenessHistogram({ name: 'test_lateness_seconds', help: 'again' })).toBeDefined();
    const text = await platformMetricsRegistry.getSingleMetricAsString('test_lateness_seconds');
    expect(text).toMatch(/test_lateness_seconds_count(\{[^}]*\})? 3(\n|$)/);
    expect(text).toMatch(/test_lateness_seconds_sum(\{[^}]*\})? 33\n/);
    expect(text).toMatch(/test_lateness_seconds_bucket\{le="0\.05"[^}]*\} 1\n/);
    expect(text).toMatch(/test_lateness_seconds_bucket\{le="2"[^}]*\} 2\n/);
  });
});
