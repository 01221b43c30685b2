// The sync engine's saved snapshot: what it knows about itself (state, last success, last error,
// the paused switch), kept in the store's meta table so that other processes (`varsync status`,
// a second app session) see it. This module is the only one that reads or writes that row.
import type { AgentStateName } from '../../../shared/agent-api.js';
import type { ApiErrorKind } from '../api/errors.js';
import { META_KEYS } from '../store/meta-keys.js';
import type { VariableStore } from '../store/variable-store.js';

export interface SyncProblem {
  /** The API failure kind, `storage` when the local database failed, `internal` for a bug. */
  kind: ApiErrorKind | 'storage' | 'internal';
  code: string;
  message: string;
}

/** What the engine knows about itself; persisted so that other processes (varsync status) see it. */
export interface EngineSnapshot {
  state: AgentStateName;
  lastSyncAt: number | null;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  lastError: SyncProblem | null;
  /** A problem a person must fix; sending waits for it (re-checked slowly). */
  held: boolean;
  clockOffsetMs: number | null;
  failures: number;
  paused: boolean;
  /** The License API refused for rate limiting: no request before this (kept across restarts). */
  rateLimitedUntil: number | null;
  lastRateLimitAt: number | null;
  /** Rate-limit refusals since the last quiet spell (RECENT_RATE_LIMIT_MS): batches grow with them. */
  rateLimitRefusals: number;
}

export const INITIAL_SNAPSHOT: EngineSnapshot = {
  state: 'synced',
  lastSyncAt: null,
  lastAttemptAt: null,
  nextAttemptAt: null,
  lastError: null,
  held: false,
  clockOffsetMs: null,
  failures: 0,
  paused: false,
  rateLimitedUntil: null,
  lastRateLimitAt: null,
  rateLimitRefusals: 0,
};

/**
 * The snapshot last saved (by this process or another), over the initial one so that a field added
 * later reads as its initial value. Nothing saved yet: the initial snapshot ('synced' is a resting
 * state that the status projection corrects from the outbox).
 */
export function readEngineState(store: VariableStore): EngineSnapshot {
  const saved = store.getMeta(META_KEYS.engineState);
  return saved ? { ...INITIAL_SNAPSHOT, ...(JSON.parse(saved) as Partial<EngineSnapshot>) } : { ...INITIAL_SNAPSHOT };
}

export function saveEngineState(store: VariableStore, snapshot: EngineSnapshot): void {
  store.setMeta(META_KEYS.engineState, JSON.stringify(snapshot));
}
