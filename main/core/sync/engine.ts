// The sync engine: when passes run and what each outcome leaves. One pass at a time sends the
// outbox (outbox-sender.ts: batches oldest first, refused variables into dead letters, an unknown
// device activated when allowed) and acts on the kind of each failure exactly as DESIGN.md lists:
// retry transient ones with backoff, hold on clock, credential, license, device, proxy and TLS
// problems (re-checking slowly). The waits are pacing.ts's rules. Nothing is dropped.
import { randomBytes } from 'node:crypto';
import type { LicenseApiClient, LicenseRef } from '../api/client.js';
import { LicenseApiError } from '../api/errors.js';
import type { Logger } from '../log.js';
import { StoreError } from '../store/errors.js';
import type { VariableStore } from '../store/variable-store.js';
import type { AgentStateName, SyncOutcome, SyncTrigger } from '../../../shared/agent-api.js';
import { systemClock, type Clock } from '../../../shared/clock.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import {
  batchSizeAfter,
  GOOD_CITIZEN,
  intervalWait,
  MAX_BATCH_SIZE,
  offlinePolicy,
  recentlyRateLimited,
  setWait,
  type Pacing,
} from './pacing.js';

import { readEngineState, saveEngineState, type EngineSnapshot, type SyncProblem } from './engine-state.js';
import { OutboxSender, type OutboxSenderOptions, type PassCounters } from './outbox-sender.js';

export { MAX_BATCH_SIZE } from './pacing.js';

export type PassOutcome = SyncOutcome;

export type EngineClient = Pick<
  LicenseApiClient,
  'trackDeviceVariables' | 'activateLicense' | 'probe' | 'clockOffsetMs'
>;

export interface SyncEngineOptions {
  store: VariableStore;
  client: EngineClient;
  ref: LicenseRef;
  /** Activate this device on device_not_found (with the pending variables). */
  activation: { allowed: boolean; password?: string };
  batchSize: number;
  backoff: BackoffPolicy;
  intervalMs: number;
  recheckMs: number;
  debounceMs: number;
  /**
   * The first pass after start, resume or coming back online waits a random share of this, so a
   * fleet waking together spreads out (the vendor sizes it: devices / requests per second).
   */
  fleetSpreadMs?: number;
  /** The pacing rules (pacing.ts); the fleet simulator passes naive ones to compare. */
  pacing?: Pacing;
  log: Logger;
  clock?: Clock;
  random?: () => number;
  onChange?: (snapshot: EngineSnapshot) => void;
}

const HOLDING_KINDS = new Set<SyncProblem['kind']>(['clock', 'credentials', 'license', 'device', 'proxy', 'tls']);

export class SyncEngine {
  private snapshot: EngineSnapshot;
  private running: Promise<PassOutcome> | undefined;
  /** What asked for another pass while one was running (the first to ask). */
  private rerun: SyncTrigger | undefined;
  private timer: unknown;
  private debounce: unknown;
  private stopped = true;
  /** Sets do not cut short the spread before the first pass after start or coming online. */
  private holdUntil = 0;
  /** The last bookkeeping write failure logged as an error (see guard). */
  private lastBookkeepingFailure: string | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly pacing: Pacing;
  /** What each pass's OutboxSender works with. */
  private readonly outbox: OutboxSenderOptions;

  constructor(private readonly options: SyncEngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.pacing = options.pacing ?? GOOD_CITIZEN;
    const { store, client, ref, activation } = options;
    this.outbox = { store, client, ref, activation, now: () => this.clock.now() };
    // Keep history across restarts (last success, the paused switch); timing starts afresh.
    this.snapshot = { ...readEngineState(options.store), nextAttemptAt: null, failures: 0 };
    this.snapshot.state = this.restingState();
  }

  get status(): EngineSnapshot {
    return { ...this.snapshot };
  }

  /**
   * Begin: a first pass after a random share of the fleet spread (or when a rate-limit pause saved
   * by an earlier run ends, if later), then as triggers and timers decide.
   */
  start(): void {
    this.stopped = false;
    const now = this.clock.now();
    const limitedFor = Math.max(0, (this.snapshot.rateLimitedUntil ?? 0) - now);
    if (limitedFor > 0)
      this.options.log.info(
        `rate limited by the License API until ${new Date(now + limitedFor).toISOString()} (saved by the last run); waiting`,
      );
    this.waitBeforeSending(
      Math.max(limitedFor, this.pacing.spreadWait(this.options.fleetSpreadMs ?? 0, this.random)),
      'start',
    );
  }

  /** Stop timers and wait for a pass in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.clock.clearTimeout(this.debounce);
    await this.running;
  }

  /** Something was queued (here or by another process): send soon, unless waiting out a failure. */
  notifyChange(): void {
    // Waiting out a failure or a hold, or paused: a set changes nothing about when to send.
    // (Status derives 'pending' from the outbox itself, so nothing needs rewriting here.)
    // The spread after start or coming online, too: the pass it ends in sends this set.
    if (this.stopped || this.snapshot.paused || this.snapshot.failures > 0 || this.snapshot.held) return;
    const now = this.clock.now();
    if (now < this.holdUntil) return;
    // The quiet path is the debounce alone; after a recent rate-limit refusal sets gather longer.
    const wait = setWait(
      this.options.debounceMs,
      recentlyRateLimited(this.snapshot.lastRateLimitAt, now),
      this.options.backoff,
      this.random,
    );
    this.clock.clearTimeout(this.debounce);
    this.debounce = this.clock.setTimeout(() => void this.runPass({ trigger: 'set' }), wait);
  }

  /** A person asked (or the system resumed): forget backoff and holds, and run a pass now. */
  async syncNow(trigger: SyncTrigger = 'manual'): Promise<PassOutcome> {
    this.snapshot.failures = 0;
    this.snapshot.held = false;
    this.holdUntil = 0;
    if (this.running) await this.running;
    return this.runPass({ probeFirst: false, trigger });
  }

  /**
   * An operating-system hint that the network is back (or the machine resumed): believe it only if
   * the API answers, then send after a random share of the fleet spread.
   */
  async connectivityHint(): Promise<void> {
    if (this.snapshot.state !== 'offline' || this.stopped) return;
    try {
      await this.options.client.probe();
    } catch {
      return;
    }
    this.cameOnline(this.options.log);
  }

  pause(): void {
    this.snapshot.paused = true;
    this.clock.clearTimeout(this.timer);
    this.publish();
  }

  resume(): void {
    this.snapshot.paused = false;
    this.publish();
    if (!this.stopped) void this.syncNow('resume');
  }

  /** Run one pass; if one is running, ask for another after it and return the running one. */
  runPass(options: { probeFirst?: boolean; trigger?: SyncTrigger } = {}): Promise<PassOutcome> {
    const trigger = options.trigger ?? 'set';
    if (this.running) {
      this.rerun ??= trigger;
      return this.running;
    }
    this.clock.clearTimeout(this.timer);
    this.clock.clearTimeout(this.debounce);
    this.running = this.pass(options.probeFirst ?? true, trigger).finally(() => {
      this.running = undefined;
      const rerun = this.rerun;
      this.rerun = undefined;
      if (rerun && !this.stopped) void this.runPass({ trigger: rerun });
    });
    return this.running;
  }

  private async pass(probeFirst: boolean, trigger: SyncTrigger): Promise<PassOutcome> {
    if (this.snapshot.paused) {
      this.publish();
      return 'paused';
    }
    const { store } = this.options;
    const startedAt = this.clock.now();
    const correlationId = randomBytes(4).toString('hex');
    const log = this.options.log.child(`sync ${correlationId}`);
    const counters: PassCounters = { sent: 0, requests: 0 };
    if (store.pendingCount() === 0 && !this.snapshot.held && this.snapshot.failures === 0) {
      // Routine check with nothing to send: no request, no history.
      this.publish();
      this.schedule(intervalWait(this.options.intervalMs, this.random), 'interval');
      return 'drained';
    }
    this.snapshot.state = 'syncing';
    this.snapshot.lastAttemptAt = startedAt;
    this.publish(log);
    log.info(`pass started: ${store.pendingCount()} pending`);

    let outcome: PassOutcome;
    let problem: (SyncProblem & { retryAfterMs?: number; clockOffsetMs?: number }) | undefined;
    let online = false;
    try {
      if (probeFirst && this.snapshot.lastError?.kind === 'network') {
        // A scheduled retry after a network failure asks the cheap, unauthenticated question
        // first: is the API back at all? (A person's "sync now" just tries.)
        await this.options.client.probe(log);
        counters.requests++;
        online = true;
      }
      if (online && (this.options.fleetSpreadMs ?? 0) > 0) {
        // Back online: the whole fleet may be finding the server back now; send after the spread.
        throw new CameOnline();
      }
      const sender = new OutboxSender(this.outbox, counters, log, () => (this.snapshot.failures = 0));
      await sender.sendAll(() => this.batchSize());
      outcome = 'drained';
    } catch (error) {
      if (error instanceof CameOnline) {
        outcome = 'retrying';
      } else {
        problem = asProblem(error);
        if (problem.kind === 'internal')
          log.error(`pass failed unexpectedly: ${(error as Error).stack ?? String(error)}`);
        outcome = HOLDING_KINDS.has(problem.kind) ? 'held' : 'retrying';
      }
    } finally {
      this.snapshot.clockOffsetMs = this.options.client.clockOffsetMs ?? this.snapshot.clockOffsetMs;
    }

    if (problem) this.recordProblem(problem, outcome, log);
    if (online && !problem && outcome === 'retrying') this.cameOnline(log);
    else this.finish(outcome, log, problem?.retryAfterMs);
    this.guard(log, () =>
      store.recordSync({
        startedAt,
        finishedAt: this.clock.now(),
        outcome,
        sent: counters.sent,
        requests: counters.requests,
        code: problem?.code,
        kind: problem?.kind,
        message: problem?.message,
        correlationId,
        trigger,
        pending: store.pendingCount(),
      }),
    );
    log.info(
      `pass ${outcome}: ${counters.sent} sent in ${counters.requests} request(s), ${store.pendingCount()} pending`,
    );
    return outcome;
  }

  private recordProblem(
    error: SyncProblem & { retryAfterMs?: number; clockOffsetMs?: number },
    outcome: PassOutcome,
    log: Logger,
  ): void {
    this.snapshot.lastError = { kind: error.kind, code: error.code, message: error.message };
    if (error.clockOffsetMs !== undefined) this.snapshot.clockOffsetMs = error.clockOffsetMs;
    if (outcome === 'held') {
      this.snapshot.held = true;
      log.warn(`holding: ${error.kind} problem ${error.code}: ${error.message}`);
    } else {
      this.snapshot.failures++;
      log.warn(`will retry: ${error.kind} failure ${error.code}: ${error.message}`);
    }
  }

  /**
   * The API answers again after a network failure: forget the backoff and send at a random point
   * of the fleet spread. (Counting the spread from the last failed attempt instead shortens it
   * for late finders and crowds the fleet's sends together: measured, it doubled the 429s.)
   */
  private cameOnline(log: Logger): void {
    this.snapshot.failures = 0;
    this.snapshot.lastError = null;
    const wait = this.pacing.spreadWait(this.options.fleetSpreadMs ?? 0, this.random);
    log.info(`the License API answers again; sending in ${Math.round(wait / 1000)} s (fleet spread)`);
    this.waitBeforeSending(wait, 'connectivity');
  }

  /** No pass before `delay` ms from now, whatever is set meanwhile (0: a pass now). */
  private waitBeforeSending(delay: number, trigger: SyncTrigger): void {
    const now = this.clock.now();
    this.holdUntil = now + delay;
    this.snapshot.nextAttemptAt = delay > 0 ? now + delay : null;
    this.snapshot.state = this.restingState();
    this.publish();
    this.schedule(delay, trigger);
  }

  /** Schedule what comes after a pass; `retryAfterMs` is what the server asked after a transient failure. */
  private finish(outcome: PassOutcome, log: Logger, retryAfterMs?: number): void {
    const now = this.clock.now();
    let delay: number;
    if (outcome === 'drained') {
      this.snapshot.held = false;
      this.snapshot.failures = 0;
      this.snapshot.lastError = null;
      this.snapshot.lastSyncAt = now;
      this.snapshot.rateLimitedUntil = null;
      delay = intervalWait(this.options.intervalMs, this.random);
    } else if (outcome === 'held') {
      delay = this.options.recheckMs;
    } else {
      delay = this.retryWait(now, log, retryAfterMs);
      log.debug(`next attempt in ${delay} ms (failure ${this.snapshot.failures})`);
    }
    this.snapshot.state = this.restingState(log);
    this.snapshot.nextAttemptAt = outcome === 'drained' && this.options.store.pendingCount() === 0 ? null : now + delay;
    this.publish(log);
    this.schedule(delay, outcome === 'drained' ? 'interval' : 'retry');
  }

  /** How long to wait after a transient failure; a rate-limit refusal is remembered across restarts. */
  private retryWait(now: number, log: Logger, retryAfterMs: number | undefined): number {
    const { failures } = this.snapshot;
    const kind = this.snapshot.lastError?.kind;
    if (kind !== 'rate_limit' && retryAfterMs === undefined) {
      // No answer at all: the next try is a probe, which may come sooner.
      const policy =
        kind === 'network' ? offlinePolicy(this.options.backoff, this.pacing.offlineProbeMaxMs) : this.options.backoff;
      return backoffDelay(failures, policy, this.random);
    }
    const wait = this.pacing.rateLimitWait(retryAfterMs, failures, this.options.backoff, this.random);
    if (wait.clampedFromMs !== undefined)
      log.warn(
        `the License API asked to wait ${Math.round(wait.clampedFromMs / 1000)} s; not believing more than a day, ` +
          `next attempt at ${new Date(now + wait.delayMs).toISOString()}`,
      );
    if (kind === 'rate_limit') {
      const recent = recentlyRateLimited(this.snapshot.lastRateLimitAt, now);
      this.snapshot.rateLimitRefusals = recent ? this.snapshot.rateLimitRefusals + 1 : 1;
      this.snapshot.lastRateLimitAt = now;
      this.snapshot.rateLimitedUntil = now + wait.delayMs;
      log.info(
        `rate limited by the License API (Retry-After ${retryAfterMs === undefined ? 'absent' : `${Math.round(retryAfterMs / 1000)} s`}); ` +
          `next attempt at ${new Date(now + wait.delayMs).toISOString()} with up to ${this.batchSize()} variables per request`,
      );
    }
    return wait.delayMs;
  }

  private restingState(log: Logger = this.options.log): AgentStateName {
    if (this.snapshot.paused) return 'paused';
    if (this.snapshot.held) return 'attention';
    if (this.snapshot.failures > 0) return this.snapshot.lastError?.kind === 'network' ? 'offline' : 'pending';
    let pending = 0;
    this.guard(log, () => (pending = this.options.store.pendingCount()));
    return pending > 0 ? 'pending' : 'synced';
  }

  private schedule(delay: number, trigger: SyncTrigger): void {
    if (this.stopped || this.snapshot.paused) return;
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => void this.runPass({ trigger }), delay);
  }

  /** Save and announce the snapshot; `log` is the sync attempt's during a pass. */
  private publish(log: Logger = this.options.log): void {
    this.guard(log, () => {
      if (this.snapshot.state !== 'syncing') this.snapshot.state = this.restingState(log);
      saveEngineState(this.options.store, this.snapshot);
    });
    this.options.onChange?.(this.status);
  }

  /**
   * Bookkeeping writes must not take the engine down when the disk misbehaves; the queue itself is
   * untouched. The same failure is logged as an error once (the agent reports the condition too),
   * then at debug level until a write succeeds again, so a read-only disk does not flood the log.
   */
  private guard(log: Logger, write: () => void): void {
    try {
      write();
      this.lastBookkeepingFailure = undefined;
    } catch (error) {
      const message = `could not record sync state: ${(error as Error).message}`;
      if (message === this.lastBookkeepingFailure) log.debug(message);
      else log.error(message);
      this.lastBookkeepingFailure = message;
    }
  }

  /** The configured batch, larger after recent rate-limit refusals (fewer requests for the same values). */
  private batchSize(): number {
    const base = Math.min(Math.max(1, this.options.batchSize), MAX_BATCH_SIZE);
    if (!recentlyRateLimited(this.snapshot.lastRateLimitAt, this.clock.now())) return base;
    return batchSizeAfter(base, this.snapshot.rateLimitRefusals);
  }
}

/** Thrown inside a pass to end it when the probe finds the API back and the fleet spread applies. */
class CameOnline extends Error {}

/**
 * Any failure of a pass as a problem: API errors as they are, the store's as storage, anything else
 * (a bug: the store lets those through unlabelled) as internal, retried like a transient failure.
 */
function asProblem(error: unknown): SyncProblem & { retryAfterMs?: number; clockOffsetMs?: number } {
  if (error instanceof LicenseApiError) {
    return {
      kind: error.kind,
      code: error.code,
      message: error.message,
      retryAfterMs: error.retryAfterMs,
      clockOffsetMs: error.clockOffsetMs,
    };
  }
  if (error instanceof StoreError) {
    return { kind: 'storage', code: error.code, message: `The local database failed: ${error.message}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', code: 'internal_error', message: `An unexpected error stopped the sync: ${message}` };
}
