/** The p-th percentile (nearest rank) of `xs`, in their unit. */
export const percentile = (xs: readonly number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/** One case of a benchmark: its p50/p95 in ms and their ratios to the baseline of the same run. */
export interface CaseFigures {
  readonly name: string;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly ratioP50: number;
  readonly ratioP95: number;
}

/**
 * Prints the baseline's p50/p95 and each case's with its ratio to the baseline (`x`), and returns
 * them for the report.
 * @param baseline durations in ms of the baseline runs
 * @param cases name → durations in ms
 */
export function printFigures(
  baselineName: string,
  baseline: readonly number[],
  cases: ReadonlyArray<readonly [string, readonly number[]]>,
): { baseline: { p50Ms: number; p95Ms: number }; cases: CaseFigures[] } {
  const b50 = percentile(baseline, 50);
  const b95 = percentile(baseline, 95);
  console.log(`baseline (${baselineName}): p50 ${b50.toFixed(2)} ms · p95 ${b95.toFixed(2)} ms`);
  const results = cases.map(([name, ms]) => {
    const p50Ms = percentile(ms, 50);
    const p95Ms = percentile(ms, 95);
    console.log(
      `${name}: p50 ${p50Ms.toFixed(2)} ms · p95 ${p95Ms.toFixed(2)} ms · ${(p50Ms / b50).toFixed(1)}x / ${(p95Ms / b95).toFixed(1)}x the baseline`,
    );
    return { name, p50Ms, p95Ms, ratioP50: p50Ms / b50, ratioP95: p95Ms / b95 };
  });
  return { baseline: { p50Ms: b50, p95Ms: b95 }, cases: results };
}
