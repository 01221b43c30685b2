// Where the sync engine runs when several processes open one data folder: only the holder of the
// engine lease sends. The host keeps the lease renewed (or stands by to take it over), watches the
// database for other processes' writes and sync requests, and runs a one-off pass for a process
// without the engine, or asks the engine's owner for one and waits for its answer.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { StatusView, SyncResultView as SyncResult, SyncTrigger } from '../../../shared/agent-api.js';
import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../log.js';
import { StoreError } from '../store/errors.js';
import { META_KEYS } from '../store/meta-keys.js';
import type { VariableStore } from '../store/variable-store.js';
import type { PassOutcome, SyncEngine } from './engine.js';
import { readEngineState } from './engine-state.js';
import { EngineLease, LEASE_TTL_MS, type LeaseHolder } from './lease.js';

export interface EngineHostOptions {
  db: Database.Database;
  store: VariableStore;
  /** The database file, for log lines. */
  dbPath: string;
  log: Logger;
  clock: Clock;
  /** How often to look for other processes' writes and requests, in ms. */
  watchIntervalMs?: number;
  leaseTtlMs?: number;
  createEngine(): SyncEngine;
  /** The status as it is now (part of a sync's answer). */
  status(): StatusView;
  /** Something changed: here (engine, database health) or in another process. */
  onChange(): void;
}

export class EngineHost {
  private readonly lease: EngineLease;
  private resident: SyncEngine | undefined;
  /** A pass run by syncNow() when no engine runs in this process. */
  private oneOffPass: Promise<SyncResult> | undefined;
  private engineWanted = false;
  private watchTimer: unknown;
  private leaseTimer: unknown;
  private lastDataVersion = -1;
  private lastSyncRequest: string | undefined;
  private stopHealthReports: (() => void) | undefined;

  constructor(private readonly options: EngineHostOptions) {
    this.lease = new EngineLease(options.db, {
      owner: randomUUID(),
      ttlMs: options.leaseTtlMs ?? LEASE_TTL_MS,
      now: () => options.clock.now(),
    });
  }

  /** The engine running in this process, if this process holds the lease. */
  get engine(): SyncEngine | undefined {
    return this.resident;
  }

  /** The live holder of the engine lease, if any (this process or another). */
  holder(): LeaseHolder | undefined {
    return this.lease.activeHolder();
  }

  /**
   * Run the sync engine in this process until close(). If another process holds the engine lease,
   * wait on standby and take over when it goes away.
   */
  start(): void {
    this.engineWanted = true;
    this.claimEngine();
    const ttl = this.options.leaseTtlMs ?? LEASE_TTL_MS;
    this.leaseTimer = this.options.clock.setInterval(() => this.claimEngine(), Math.max(50, Math.floor(ttl / 3)));
    this.watch();
  }

  /** Report changes when another process writes; with the engine here, act on its sets and sync requests. */
  watch(): void {
    if (this.watchTimer) return;
    const { store } = this.options;
    this.stopHealthReports = store.health.onChange((problem) => this.onStoreHealth(problem));
    this.lastDataVersion = store.dataVersion();
    this.watchTimer = this.options.clock.setInterval(
      () => this.checkForOutsideChanges(),
      this.options.watchIntervalMs ?? 250,
    );
  }

  /**
   * One sync pass now. Here if this process runs the engine; in a one-off engine if nobody does;
   * otherwise the running daemon is asked to do it, and this waits for its answer.
   */
  async syncNow(timeoutMs: number, trigger: SyncTrigger): Promise<SyncResult> {
    // One pass at a time per agent: two overlapping passes could have their answers acknowledged
    // out of order and leave an older value as the confirmed one.
    while (this.oneOffPass) await this.oneOffPass.catch(() => undefined);
    if (this.resident) return { outcome: await this.resident.syncNow(trigger), status: this.options.status() };
    if (this.lease.tryAcquire()) {
      this.oneOffPass = this.runOneOffPass(trigger).finally(() => (this.oneOffPass = undefined));
      return this.oneOffPass;
    }
    return this.askEngineOwner(timeoutMs, trigger);
  }

  /** Stop watching and renewing; wait for a pass in flight, stop the engine and give up the lease. */
  async close(): Promise<void> {
    this.stopWatching();
    // Only yield when there is a pass to wait for: with nothing in flight the file closes at once.
    if (this.oneOffPass) await this.oneOffPass.catch(() => undefined);
    if (this.resident) {
      await this.resident.stop();
      this.resident = undefined;
      this.lease.release();
    }
  }

  /** The same without waiting for a pass in flight (its values stay pending for the next start). */
  closeNow(): void {
    this.stopWatching();
    if (this.resident) {
      void this.resident.stop();
      this.resident = undefined;
      this.lease.release();
    }
  }

  private stopWatching(): void {
    this.engineWanted = false;
    const { clock } = this.options;
    clock.clearInterval(this.watchTimer);
    clock.clearInterval(this.leaseTimer);
    this.stopHealthReports?.();
  }

  private async runOneOffPass(trigger: SyncTrigger): Promise<SyncResult> {
    const engine = this.options.createEngine();
    try {
      const outcome = await engine.syncNow(trigger);
      await engine.stop();
      return { outcome, status: this.options.status() };
    } finally {
      this.lease.release();
    }
  }

  private claimEngine(): void {
    if (!this.engineWanted) return;
    const { store, log } = this.options;
    try {
      if (this.resident) {
        if (store.guardWrite(() => this.lease.renew())) return;
        log.warn('lost the engine lease to another process; standing by');
        const engine = this.resident;
        this.resident = undefined;
        void engine.stop();
        return;
      }
      if (!this.oneOffPass && store.guardWrite(() => this.lease.tryAcquire())) {
        this.resident = this.options.createEngine();
        this.resident.start();
        log.info(`sync engine started (pid ${process.pid})`);
      }
    } catch (error) {
      // A database problem is logged once by onStoreHealth, not at every renewal.
      if (!(error instanceof StoreError)) log.error(`engine lease: ${(error as Error).message}`);
    }
  }

  /** The database became unusable, or usable again: one log line, a change event, and sending resumes at once. */
  private onStoreHealth(problem: StoreError | undefined): void {
    if (problem) {
      this.options.log.error(problem.message);
    } else {
      this.options.log.info(`the database ${this.options.dbPath} can be written again`);
      // The engine may be waiting out a long backoff after storage failures.
      if (this.resident?.status.lastError?.kind === 'storage') void this.resident.syncNow('retry');
    }
    this.options.onChange();
  }

  private checkForOutsideChanges(): void {
    const { store } = this.options;
    try {
      const version = store.dataVersion();
      if (version === this.lastDataVersion) return;
      this.lastDataVersion = version;
      if (this.resident) {
        const request = store.getMeta(META_KEYS.syncRequest);
        if (request && request !== this.lastSyncRequest) {
          this.lastSyncRequest = request;
          void this.resident.syncNow();
        } else {
          this.resident.notifyChange();
        }
      }
      this.options.onChange();
    } catch (error) {
      if (!(error instanceof StoreError)) this.options.log.error(`watching the database: ${(error as Error).message}`);
    }
  }

  private async askEngineOwner(timeoutMs: number, trigger: SyncTrigger): Promise<SyncResult> {
    const { store, clock } = this.options;
    const requestedAt = clock.now();
    store.setMeta(META_KEYS.syncRequest, `${requestedAt}:${randomUUID()}`);
    const deadline = requestedAt + timeoutMs;
    while (clock.now() < deadline) {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 100));
      const done = store.history(5).find((record) => record.startedAt >= requestedAt);
      const idle = store.pendingCount() === 0 && readEngineState(store).state === 'synced';
      if (done || idle) {
        const outcome = done ? (done.outcome as PassOutcome) : 'drained';
        return { outcome, status: this.options.status() };
      }
      if (!this.lease.activeHolder()) return this.syncNow(Math.max(0, deadline - clock.now()), trigger);
    }
    return { outcome: 'retrying', status: this.options.status() };
  }
}
