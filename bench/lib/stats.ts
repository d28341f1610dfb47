// Small statistics for a handful of runs: the median is robust to one disturbed run out of three.

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** (max - min) / median: how far apart the runs were, to judge whether a ratio means anything. */
export function spread(values: readonly number[]): number | undefined {
  const mid = median(values);
  if (mid === undefined || mid === 0) return undefined;
  return (Math.max(...values) - Math.min(...values)) / mid;
}
