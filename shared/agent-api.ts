// The one interface the window's UI talks to. In Electron it is carried over IPC (preload's
// window.varsync); in the browser over HTTP and server-sent events from the headless daemon.
// Everything here is plain data, the same on both sides.
import type { Explanation } from './explanations.js';
import type { NetworkCheckView } from './network-check.js';
import type { VariableColumns } from './variable-columns.js';
import type { VariableView } from './variables.js';
import type { VariableValue } from './wire.js';

export type AgentStateName = 'synced' | 'syncing' | 'pending' | 'offline' | 'attention' | 'paused';
export type HardwareIdSource = 'configured' | 'machine-id' | 'generated';
export type SyncOutcome = 'drained' | 'held' | 'retrying' | 'paused';
/** What started a sync attempt: the engine starting, a set, the periodic interval, a retry or re-check, a person, the system resuming, the network returning. */
export type SyncTrigger = 'start' | 'set' | 'interval' | 'retry' | 'manual' | 'resume' | 'connectivity';

export interface SyncProblemView {
  /** The API failure kind (network, server, rate_limit, clock, credentials, license, device, payload, proxy, tls) or storage. */
  kind: string;
  code: string;
  message: string;
}

export interface HardwareIdChangeView {
  previous: string;
  previousSource: HardwareIdSource;
  current: string;
  currentSource: HardwareIdSource;
  detectedAt: number;
  followed: boolean;
}

/** `varsync status --json` and the window's header. Times are ISO 8601 UTC. */
export interface StatusView {
  state: AgentStateName;
  pending: number;
  failed: number;
  lastSyncAt: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  lastError: SyncProblemView | null;
  /** The last error in plain words, with what to do. */
  explanation: Explanation | null;
  clockOffsetMs: number | null;
  paused: boolean;
  product: string | null;
  hardwareId: { id: string; source: HardwareIdSource; change: HardwareIdChangeView | null } | null;
  engine: { running: boolean; here: boolean; pid: number | null };
  database: {
    path: string;
    /** The last time the database was found damaged: where it was kept, and what was read back from it. */
    recovered: {
      movedTo: string;
      reason: string;
      at: number;
      salvaged?: { pending: number; failed: number; confirmed: number; complete: boolean };
    } | null;
  };
  demo: boolean;
  /** The language the configuration fixes for the window and the tray (`locale`), or null: the OS's or the browser's. */
  locale: string | null;
}

/** A value the server refused, kept with its reason until retried or discarded. */
export interface DeadLetterView {
  name: string;
  value: VariableValue;
  code: string;
  message: string;
  attempts: number;
  firstFailedAt: number;
  lastFailedAt: number;
}

/** One sync attempt of the recent history (the Activity list). Times are ISO 8601 UTC. */
export interface AttemptView {
  correlationId: string;
  startedAt: string;
  durationMs: number;
  /** null for attempts recorded before the trigger was kept. */
  trigger: SyncTrigger | null;
  outcome: SyncOutcome;
  requests: number;
  /** Values the server confirmed in this attempt. */
  sent: number;
  /** Values still pending when it ended; null for attempts recorded before this was kept. */
  pendingAfter: number | null;
  problem: SyncProblemView | null;
}

/** The log lines of one attempt, read from the log folder by its correlation ID (redacted). */
export interface AttemptLogView {
  correlationId: string;
  lines: string[];
  /** More lines matched than are shown (the newest are kept). */
  truncated: boolean;
  /** Why there are no lines to show, when there are none: no log folder, or they were rotated away. */
  problem: string | null;
}

/**
 * The variables changed since the page last asked, so that one change costs the page that change,
 * not the whole list. `full` when the page had nothing to build on (no cursor, a cursor of another
 * run, or one too old): then the whole list, by name, as columns (variable-columns.ts).
 */
export type VariableChangesView =
  | { full: true; columns: VariableColumns }
  | {
      full: false;
      /** The variables added or changed since, by name. */
      variables: VariableView[];
      /** Names gone since. */
      removed: string[];
    };

/**
 * Everything the window shows, as changes since the page last asked (`getChanges`): one call per
 * refresh. The status always; the variables as changes; the refused values and the activity only
 * when they differ from what the page was last sent (null: keep what you have).
 */
export interface ChangesView {
  /** Give this back as `since` next time. */
  cursor: string;
  status: StatusView;
  variables: VariableChangesView;
  deadLetters: DeadLetterView[] | null;
  activity: AttemptView[] | null;
}

/**
 * What the window shows before the whole list has come (`getFirstScreen`): what a first answer of
 * getChanges has, but only the first `rows` variables by name, and how many there are. The page
 * draws its first frame from this while the whole list (getChanges) is on its way: with 10,000
 * variables the whole list is most of a megabyte to read before anything shows (bench 7).
 */
export interface FirstScreenView {
  status: StatusView;
  /** The first `rows` of the list, by name, and how many the list has. */
  variables: { first: VariableView[]; total: number };
  deadLetters: DeadLetterView[];
  activity: AttemptView[];
}

/** The most rows getFirstScreen gives: a window's first screen, never the whole list by another name. */
export const FIRST_SCREEN_MAX_ROWS = 500;

/**
 * An answer the agent sends with a change, without being asked (the status page's event stream):
 * `changes` is what getChanges(`since`) would answer, so a page whose cursor is `since` applies it
 * as it would its own answer; any other page asks.
 */
export interface ChangesPush {
  since: string;
  changes: ChangesView;
}

export interface SyncResultView {
  outcome: SyncOutcome;
  status: StatusView;
}

export interface AgentApi {
  getStatus(): Promise<StatusView>;
  getVariables(): Promise<VariableView[]>;
  /** What the window shows, changed since `since` (a cursor this returned), or all of it when null. */
  getChanges(since: string | null): Promise<ChangesView>;
  /** The first `rows` variables by name and how many there are, with the rest of a first answer (no cursor: then getChanges). */
  getFirstScreen(rows: number): Promise<FirstScreenView>;
  getDeadLetters(): Promise<DeadLetterView[]>;
  syncNow(): Promise<SyncResultView>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Queue refused values again: all, or the names given. Returns how many were queued. */
  retryDeadLetters(names?: string[]): Promise<number>;
  /** Drop refused values for good: all, or the names given. Returns how many were dropped. */
  discardDeadLetters(names?: string[]): Promise<number>;
  /** The recent sync attempts, newest first. */
  getActivity(): Promise<AttemptView[]>;
  /** One attempt's log lines, by its correlation ID. */
  getAttemptLog(correlationId: string): Promise<AttemptLogView>;
  /** The network self-test: how this device reaches the License API, step by step, with the verdict's inputs. */
  checkNetwork(): Promise<NetworkCheckView>;
  /** Show the log folder in the file manager (Electron only; false where it cannot). */
  openLogsFolder(): Promise<boolean>;
  /**
   * Called whenever the agent's status or variables change, with the changes when the agent sent
   * them along (else null: ask getChanges). Returns the unsubscribe function.
   */
  onChange(listener: (push: ChangesPush | null) => void): () => void;
}
