// Knobs read from the environment, so that a quick run and a thorough run use the same code.

export function envInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer (got "${text}")`);
  return value;
}

export function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got "${text}")`);
  return value;
}

/** Which benchmarks to run: BENCH_ONLY=set,drain,start,idle,drain-latency,rss,render (all when unset). */
export function selected(name: string): boolean {
  const only = process.env.BENCH_ONLY;
  if (!only) return true;
  return only
    .split(',')
    .map((part) => part.trim())
    .includes(name);
}
