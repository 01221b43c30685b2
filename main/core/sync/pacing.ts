// How a device paces itself as one of a fleet that shares one company rate limit with the
// vendor's own application (DESIGN.md "A good citizen of a fleet"). Pure functions of the
// injected random source, so that every rule is unit-tested and the fleet simulator can run them
// on a virtual clock.
import { backoffCeiling, type BackoffPolicy } from './backoff.js';

/** The documented cap of variables per request (README "Limits"; the batchSize key's maximum). */
export const MAX_BATCH_SIZE = 1000;

/** A Retry-After longer than this is not believed; the wait is cut to it and the log says so. */
export const RETRY_AFTER_CLAMP_MS = 24 * 60 * 60 * 1000;
/**
 * While the API does not answer at all, the retry is a probe (`GET /.well-known`: no credential,
 * charged to no company), so it may come more often than the usual cap: a fleet learns that the
 * server is back within half a minute, and the fleet spread below then paces its sends. (With a
 * minute, a 5,000-device Free fleet drained in more than 1.5x the minimum: docs/FLEET.md.)
 */
export const OFFLINE_PROBE_MAX_MS = 30_000;
/** A rate-limit refusal counts as recent for this long: sets wait longer and batches grow. */
export const RECENT_RATE_LIMIT_MS = 10 * 60 * 1000;
/** With a recent refusal, a set waits the debounce plus a random share of this (or of the retry cap, if shorter). */
export const BUSY_SET_SPREAD_MS = 60_000;
/** The routine interval varies by this share either way, so a fleet started together drifts apart. */
export const INTERVAL_JITTER = 0.1;

export interface RateLimitWait {
  delayMs: number;
  /** The server's Retry-After when it was cut to RETRY_AFTER_CLAMP_MS. */
  clampedFromMs?: number;
}

/**
 * After a rate-limit refusal: the server's Retry-After (a floor, clamped), plus a random share of
 * the larger of it and the backoff ceiling, so a fleet told the same number does not come back in
 * the same second. Without Retry-After it is plain full-jitter backoff.
 */
export function rateLimitWait(
  retryAfterMs: number | undefined,
  failures: number,
  policy: BackoffPolicy,
  random: () => number,
): RateLimitWait {
  const asked = retryAfterMs ?? 0;
  const floor = Math.min(asked, RETRY_AFTER_CLAMP_MS);
  const spread = Math.max(floor, backoffCeiling(failures, policy));
  const delayMs = Math.round(floor + random() * spread);
  return asked > RETRY_AFTER_CLAMP_MS ? { delayMs, clampedFromMs: asked } : { delayMs };
}

/** The backoff for a failure with no answer: probes, capped lower (OFFLINE_PROBE_MAX_MS). */
export function offlinePolicy(policy: BackoffPolicy, probeMaxMs = OFFLINE_PROBE_MAX_MS): BackoffPolicy {
  return { baseMs: policy.baseMs, maxMs: Math.min(policy.maxMs, probeMaxMs) };
}

/**
 * The wait before the first pass after start, resume or coming back online: a random point in the
 * fleet's spread (the vendor sizes it as devices / requests per second the fleet may use), so D
 * devices waking together arrive over the whole spread instead of in the same second.
 */
export function spreadWait(spreadMs: number, random: () => number): number {
  return Math.round(random() * Math.max(0, spreadMs));
}

/** The routine interval, varied by INTERVAL_JITTER either way. */
export function intervalWait(intervalMs: number, random: () => number): number {
  return Math.round(intervalMs * (1 - INTERVAL_JITTER + 2 * INTERVAL_JITTER * random()));
}

/** With a recent refusal: the debounce plus a random share of BUSY_SET_SPREAD_MS; otherwise the debounce alone. */
export function setWait(
  debounceMs: number,
  recentlyRateLimited: boolean,
  policy: BackoffPolicy,
  random: () => number,
): number {
  if (!recentlyRateLimited) return debounceMs;
  return debounceMs + Math.round(random() * Math.min(BUSY_SET_SPREAD_MS, policy.maxMs));
}

/** After `refusals` rate-limit refusals in a row, send more per request (doubling, up to the cap) rather than more requests. */
export function batchSizeAfter(batchSize: number, refusals: number): number {
  const base = Math.min(Math.max(1, batchSize), MAX_BATCH_SIZE);
  return Math.min(MAX_BATCH_SIZE, base * 2 ** Math.min(Math.max(0, refusals), 10));
}

export function recentlyRateLimited(lastRateLimitAt: number | null, now: number): boolean {
  return lastRateLimitAt !== null && now - lastRateLimitAt < RECENT_RATE_LIMIT_MS;
}

/** The rules the engine paces itself by; the fleet simulator swaps in naive ones to compare. */
export interface Pacing {
  rateLimitWait: typeof rateLimitWait;
  spreadWait: typeof spreadWait;
  /** The longest wait between probes while the API does not answer. */
  offlineProbeMaxMs: number;
}

export const GOOD_CITIZEN: Pacing = { rateLimitWait, spreadWait, offlineProbeMaxMs: OFFLINE_PROBE_MAX_MS };
