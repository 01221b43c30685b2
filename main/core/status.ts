// The status projection: one rule turning the engine's snapshot and the outbox into the StatusView
// that `varsync status`, the window, the status page and the tray all show, so no surface corrects
// the state on its own and none can disagree with another.
import { explainProblem, type Explanation } from '../../shared/explanations.js';
import type { AgentStateName, StatusView } from '../../shared/agent-api.js';
import type { HardwareId } from './identity/hardware-id.js';
import type { DatabaseRecovery } from './store/database.js';
import { explainStorageCode, type StoreError } from './store/errors.js';
import type { EngineSnapshot } from './sync/engine-state.js';

export interface StatusFacts {
  /** The running engine's snapshot, or the one saved last. */
  snapshot: EngineSnapshot;
  /** A database that cannot be used now (full, read-only, locked). */
  storeProblem: StoreError | undefined;
  pending: number;
  failed: number;
  engine: StatusView['engine'];
  product: string | undefined;
  hardwareId: HardwareId | undefined;
  database: { path: string; recovered: DatabaseRecovery | undefined };
  demo: boolean;
  locale: string | undefined;
}

/**
 * The state to show. The paused switch is the truth about pausing (a pause clicked during a pass
 * leaves the snapshot saying 'syncing' until the pass ends); a database that cannot be used outranks
 * the last sync result; and the outbox is the truth about pending work (a snapshot saved before the
 * latest sets, or left by a process that died mid-pass, may say 'synced' or 'syncing' when neither holds).
 */
export function shownState(
  snapshot: Pick<EngineSnapshot, 'state' | 'paused'>,
  facts: { pending: number; engineRunning: boolean; storeProblem: boolean },
): AgentStateName {
  if (snapshot.paused) return 'paused';
  if (facts.storeProblem) return 'attention';
  const resting =
    snapshot.state === 'synced' ||
    snapshot.state === 'paused' ||
    (snapshot.state === 'syncing' && !facts.engineRunning);
  if (resting) return facts.pending > 0 ? 'pending' : 'synced';
  return snapshot.state;
}

export function projectStatus(facts: StatusFacts): StatusView {
  const { snapshot, storeProblem, engine, hardwareId } = facts;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    state: shownState(snapshot, {
      pending: facts.pending,
      engineRunning: engine.running,
      storeProblem: storeProblem !== undefined,
    }),
    pending: facts.pending,
    failed: facts.failed,
    lastSyncAt: iso(snapshot.lastSyncAt),
    lastAttemptAt: iso(snapshot.lastAttemptAt),
    nextAttemptAt: engine.running ? iso(snapshot.nextAttemptAt) : null,
    lastError: storeProblem
      ? { kind: 'storage', code: storeProblem.code, message: storeProblem.message }
      : snapshot.lastError,
    explanation: storeProblem
      ? { ...storeProblem.explanation, messages: explainStorageCode(storeProblem.code, facts.database.path).messages }
      : explainSyncError(snapshot, facts.database.path),
    clockOffsetMs: snapshot.clockOffsetMs,
    paused: snapshot.paused,
    product: facts.product ?? null,
    hardwareId: hardwareId ? { id: hardwareId.id, source: hardwareId.source, change: hardwareId.change ?? null } : null,
    engine,
    database: { path: facts.database.path, recovered: facts.database.recovered ?? null },
    demo: facts.demo,
    locale: facts.locale ?? null,
  };
}

/** Plain words for the last sync error: a storage code recorded by a pass (only its code is known), or the API's. */
function explainSyncError(snapshot: EngineSnapshot, dbPath: string): Explanation | null {
  const { lastError } = snapshot;
  if (!lastError) return null;
  if (lastError.kind === 'storage') return explainStorageCode(lastError.code, dbPath);
  return explainProblem({ ...lastError, clockOffsetMs: snapshot.clockOffsetMs });
}
