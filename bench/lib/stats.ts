// Medians and ranges: the machines are shared and noisy, so a single figure means little.

export interface Summary {
  median: number;
  min: number;
  max: number;
  count: number;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarize(values: number[]): Summary {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), count: values.length };
}

/** A single measurement shown with the same shape as a summary. */
export function single(value: number): Summary {
  return { median: value, min: value, max: value, count: 1 };
}

/** Milliseconds elapsed since a process.hrtime.bigint() mark. */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
