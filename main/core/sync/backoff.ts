// Full-jitter exponential backoff (a random wait between 0 and min(cap, base * 2^(n-1))), which
// spreads a fleet of agents that all lost the server at once instead of having them return together.
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** The largest wait after `failures` failures in a row. */
export function backoffCeiling(failures: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 40);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}

export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  return Math.round(random() * backoffCeiling(failures, policy));
}
