// The pacing rules the simulator compares: today's engine (GOOD_CITIZEN) and the naive ones it
// beats. `old` is the engine before issue 16: Retry-After as a bare floor, no spread after start
// or the API's return, offline retries up to the full 5-minute cap.
import { backoffDelay } from '../../main/core/sync/backoff.js';
import { GOOD_CITIZEN, type Pacing } from '../../main/core/sync/pacing.js';

/** The server's Retry-After as a floor, with no spread above it. */
const floorOnly: Pacing['rateLimitWait'] = (retryAfterMs, failures, policy, random) => ({
  delayMs: Math.max(backoffDelay(failures, policy, random), retryAfterMs ?? 0),
});
const noSpread: Pacing['spreadWait'] = () => 0;

export const POLICIES = {
  good: GOOD_CITIZEN,
  floor: { ...GOOD_CITIZEN, rateLimitWait: floorOnly },
  'no-spread': { ...GOOD_CITIZEN, spreadWait: noSpread },
  old: { rateLimitWait: floorOnly, spreadWait: noSpread, offlineProbeMaxMs: Number.POSITIVE_INFINITY },
} satisfies Record<string, Pacing>;

export type PolicyName = keyof typeof POLICIES;
export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[];

export const POLICY_ABOUT: Record<PolicyName, string> = {
  good: "today's engine: Retry-After spread, fleet spread after start and the API's return",
  floor: 'Retry-After as a bare floor (no spread above it); the rest as today',
  'no-spread': "no fleet spread after start or the API's return; the rest as today",
  old: 'the engine before issue 16: bare Retry-After floor, no fleet spread, offline retries up to 5 min',
};
