// Full-jitter exponential backoff (a random wait between 0 and min(cap, base * 2^(n-1))), which
// spreads a fleet of agents that all lost the server at once instead of having them return together.
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 40);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(random() * ceiling);
}

/** The server's Retry-After is a floor: never come back sooner than asked. */
export function retryDelay(
  failures: number,
  policy: BackoffPolicy,
  retryAfterMs: number | undefined,
  random?: () => number,
): number {
  return Math.max(backoffDelay(failures, policy, random), retryAfterMs ?? 0);
}
