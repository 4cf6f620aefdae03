/** Summary statistics of per-callback cycle counts. */
export interface CycleStats {
  count: number;
  min: number;
  median: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (the smallest value with at least p% of samples at or below it). */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function summarize(samples: readonly number[]): CycleStats {
  const sorted = Float64Array.from(samples).sort();
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    min: sorted.length ? sorted[0] : 0,
    median: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : 0,
    mean: sorted.length ? sum / sorted.length : 0,
  };
}
