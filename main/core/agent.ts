// The agent: one object composing configuration, identity, the store, the License API client and
// the sync engine. Several processes may open the same data folder: each sees the others' writes,
// and only the holder of the engine lease sends.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { explainProblem, type Explanation } from '../../shared/explanations.js';
import type { AttemptLogView, AttemptView, StatusView, SyncTrigger } from '../../shared/agent-api.js';
import { validateVariables, type VariableView } from '../../shared/variables.js';
import type { LicenseObject } from '../../shared/wire.js';
import { LicenseApiClient, type LicenseRef } from './api/client.js';
import { configuredTransport, type HttpTransport } from './api/transport.js';
import { serverSettingsProblem, type ResolvedConfig } from './config/resolve.js';
import { INITIAL_VARIABLES_META_KEY, planInitialVariables } from './config/initial-variables.js';
import { resolveHardwareId, type HardwareId } from './identity/hardware-id.js';
import { silentLogger, type Logger } from './log.js';
import { Redactor, sensitiveValues } from './log/redaction.js';
import { attemptLog, attemptView } from './activity.js';
import { describeRecovery, openDatabase, type DatabaseRecovery } from './store/database.js';
import { explainStorageCode, StoreError } from './store/errors.js';
import { HISTORY_KEPT, VariableStore, type DeadLetter, type SetOutcome } from './store/variable-store.js';
import { EngineLease, LEASE_TTL_MS } from './sync/lease.js';
import {
  ENGINE_STATE_KEY,
  INITIAL_SNAPSHOT,
  SyncEngine,
  type EngineSnapshot,
  type PassOutcome,
} from './sync/engine.js';

/** What `status()` returns: the shared StatusView (the window, the status page and the CLI show the same). */
export type AgentStatus = StatusView;

export interface AgentOptions {
  config: ResolvedConfig;
  log?: Logger;
  now?: () => number;
  /** Overrides how the OS machine GUID is read (tests). */
  readMachineId?: () => string | undefined;
  /** How often to look for other processes' writes and requests, in ms. */
  watchIntervalMs?: number;
  leaseTtlMs?: number;
  /** Marks the agent as running the built-in demo (shown in status). */
  demo?: boolean;
  /** How requests reach the network; default: Node's, with the configuration's proxy and caFile. */
  transport?: HttpTransport;
  /** The environment a `system` proxy setting reads (HTTPS_PROXY, NO_PROXY); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** A better-sqlite3 binary built for this runtime (Electron's ABI differs from Node's). */
  sqliteNativeBinding?: string;
  /** The log folder this process writes, where Activity reads an attempt's lines. */
  logDir?: string;
}

/** How a requested sync ended, for `varsync sync`'s exit code. */
export interface SyncResult {
  outcome: PassOutcome;
  status: AgentStatus;
  /** Set when nothing was sent because a rate-limit pause lasts until then (ISO 8601). */
  rateLimitedUntil?: string;
}

export class NotConfiguredError extends Error {
  override readonly name = 'NotConfiguredError';
}

const SYNC_REQUEST_KEY = 'sync_request';

export class Agent extends EventEmitter<{ change: [] }> {
  readonly config: ResolvedConfig;
  readonly store: VariableStore;
  readonly hardwareId: HardwareId | undefined;
  private readonly db: Database.Database;
  private readonly dbPath: string;
  private readonly recovery: DatabaseRecovery | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly lease: EngineLease;
  private readonly client: LicenseApiClient | undefined;
  private engine: SyncEngine | undefined;
  /** A pass run by syncNow() when no engine runs in this process. */
  private oneOffPass: Promise<SyncResult> | undefined;
  private engineWanted = false;
  private watchTimer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private lastDataVersion = -1;
  private lastSyncRequest: string | undefined;
  private stopHealthReports: (() => void) | undefined;
  private closed = false;

  private constructor(private readonly options: AgentOptions) {
    super();
    this.config = options.config;
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? Date.now;
    const values = this.config.values;
    // First, so that a caFile that cannot be read stops start-up before the database is opened.
    const transport = options.transport ?? configuredTransport(this.config, options.env);
    const opened = openDatabase(values.dataDir, this.now, options.sqliteNativeBinding);
    this.db = opened.db;
    this.dbPath = opened.path;
    this.store = new VariableStore(this.db, this.now);
    if (opened.recovery) {
      this.store.recordEvent('database_recovered', opened.recovery);
      this.log.error(describeRecovery(opened.recovery));
    }
    this.recovery = opened.recovery ?? this.store.lastEvent<DatabaseRecovery>('database_recovered')?.detail;
    this.lease = new EngineLease(this.db, {
      owner: randomUUID(),
      ttlMs: options.leaseTtlMs ?? LEASE_TTL_MS,
      now: this.now,
    });
    this.hardwareId = values.product
      ? resolveHardwareId({
          product: values.product,
          dataDir: values.dataDir,
          configured: values.hardwareId,
          readMachineId: options.readMachineId,
          now: this.now,
        })
      : undefined;
    if (this.hardwareId?.change) {
      const change = this.hardwareId.change;
      this.log.warn(
        `hardware ID changed from a ${change.previousSource} ID to a ${change.currentSource} ID; ` +
          (change.followed
            ? 'following the configured one'
            : 'keeping the first one (configure hardwareId to change it)'),
      );
    }
    if (!serverSettingsProblem(this.config)) {
      this.client = new LicenseApiClient({
        baseUrl: values.apiUrl,
        credentials:
          values.apiKey !== undefined
            ? { type: 'hmac', apiKey: values.apiKey, sharedKey: values.sharedKey! }
            : {
                type: 'oauth',
                clientId: values.clientId!,
                clientSecret: values.clientSecret!,
                tokenUrl: values.tokenUrl,
              },
        timeoutMs: values.requestTimeoutMs,
        responsePublicKey: values.responsePublicKey,
        transport,
        logger: this.log,
        now: this.now,
        // A server that echoes a secret in an error must not put it in status, history or the window.
        secrets: sensitiveValues(this.config),
      });
    }
  }

  /** How this agent reaches the License API (undefined when it is not configured to). */
  get transport(): HttpTransport | undefined {
    return this.client?.transport;
  }

  /** Open the data folder (creating it), check the database, resolve the hardware ID, queue the vendor file's new initial variables. */
  static open(options: AgentOptions): Agent {
    const agent = new Agent(options);
    try {
      agent.applyInitialVariables();
    } catch (error) {
      agent.db.close();
      throw error;
    }
    return agent;
  }

  /**
   * The vendor file's `variables`, each queued once: the values applied are remembered (hashed)
   * in the same transaction that queues them, so a restart queues nothing and a changed file
   * queues only what changed.
   */
  private applyInitialVariables(): void {
    // A file that cannot be written: they are queued at the next start that can (reading still works).
    if (this.store.health.problem?.code === 'database_readonly') return;
    const variables = this.config.vendor.variables;
    const before = this.store.getMeta(INITIAL_VARIABLES_META_KEY);
    const preview = planInitialVariables(variables, before);
    // Most starts: nothing new, and no write (read-only commands stay read-only).
    if (Object.keys(preview.toQueue).length === 0 && JSON.stringify(preview.applied) === (before ?? '{}')) return;
    const queued = this.db
      .transaction(() => {
        const plan = planInitialVariables(variables, this.store.getMeta(INITIAL_VARIABLES_META_KEY));
        const outcome =
          Object.keys(plan.toQueue).length > 0 ? this.store.set(validateVariables(plan.toQueue)).queued : [];
        this.store.setMeta(INITIAL_VARIABLES_META_KEY, JSON.stringify(plan.applied));
        return outcome;
      })
      .immediate();
    if (queued.length > 0) {
      this.log.info(`queued ${queued.length} initial variable(s) from the vendor file: ${queued.join(', ')}`);
      this.emit('change');
    }
  }

  /** Validate all, then queue all in one transaction: a refused set changes nothing. */
  set(variables: unknown): SetOutcome {
    const checked = validateVariables(variables);
    const outcome = this.store.set(checked);
    if (outcome.queued.length > 0) {
      this.engine?.notifyChange();
      this.emit('change');
    }
    return outcome;
  }

  variables(): VariableView[] {
    return this.store.view();
  }

  deadLetters(): DeadLetter[] {
    return this.store.deadLetters();
  }

  /** The recent sync attempts, newest first (the window's Activity). */
  activity(): AttemptView[] {
    return this.store.history(HISTORY_KEPT).map(attemptView);
  }

  /** One recent attempt's log lines, redacted; undefined when no recent attempt has this ID. */
  attemptLog(correlationId: string): AttemptLogView | undefined {
    const record = this.store.history(HISTORY_KEPT).find((candidate) => candidate.correlationId === correlationId);
    if (!record) return undefined;
    const redactor = new Redactor(sensitiveValues(this.config));
    return attemptLog(record, this.options.logDir, (text) => redactor.redact(text));
  }

  status(): AgentStatus {
    const snapshot = this.engine?.status ?? this.savedSnapshot();
    // A database that cannot be used now (full, read-only, locked) outranks the last sync error.
    const storeProblem = this.store.health.problem;
    const lastError = storeProblem
      ? { kind: 'storage', code: storeProblem.code, message: storeProblem.message }
      : snapshot.lastError;
    const holder = this.lease.activeHolder();
    const running = this.engine !== undefined || holder !== undefined;
    const pending = this.store.pendingCount();
    // The outbox is the truth about pending work: a snapshot saved before the latest sets (or left
    // by a process that died mid-pass) may say 'synced' or 'syncing' when neither holds.
    const stale = snapshot.state === 'synced' || (snapshot.state === 'syncing' && !running);
    const state =
      storeProblem && !snapshot.paused ? 'attention' : stale ? (pending > 0 ? 'pending' : 'synced') : snapshot.state;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      state,
      pending,
      failed: this.store.deadLetterCount(),
      lastSyncAt: iso(snapshot.lastSyncAt),
      lastAttemptAt: iso(snapshot.lastAttemptAt),
      nextAttemptAt: running ? iso(snapshot.nextAttemptAt) : null,
      lastError,
      explanation: storeProblem?.explanation ?? this.explainSyncError(snapshot),
      clockOffsetMs: snapshot.clockOffsetMs,
      paused: snapshot.paused,
      product: this.config.values.product ?? null,
      hardwareId: this.hardwareId
        ? { id: this.hardwareId.id, source: this.hardwareId.source, change: this.hardwareId.change ?? null }
        : null,
      engine: { running, here: this.engine !== undefined, pid: this.engine ? process.pid : (holder?.pid ?? null) },
      database: { path: this.dbPath, recovered: this.recovery ?? null },
      demo: this.options.demo === true,
    };
  }

  /** Plain words for the last sync error: a storage code recorded by a pass (only its code is known), or the API's. */
  private explainSyncError(snapshot: EngineSnapshot): Explanation | null {
    const { lastError } = snapshot;
    if (!lastError) return null;
    if (lastError.kind === 'storage') return explainStorageCode(lastError.code, this.dbPath);
    return explainProblem({ ...lastError, clockOffsetMs: snapshot.clockOffsetMs });
  }

  /**
   * Run the sync engine in this process for as long as the agent is open. If another process holds
   * the engine lease, wait on standby and take over when it goes away.
   */
  startEngine(): void {
    this.requireServer();
    this.store.requireWritable();
    this.engineWanted = true;
    this.claimEngine();
    const ttl = this.options.leaseTtlMs ?? LEASE_TTL_MS;
    this.leaseTimer = setInterval(() => this.claimEngine(), Math.max(50, Math.floor(ttl / 3)));
    this.watch();
  }

  /** Emit `change` when another process writes; with the engine here, act on its sets and sync requests. */
  watch(): void {
    if (this.watchTimer) return;
    this.stopHealthReports = this.store.health.onChange((problem) => this.onStoreHealth(problem));
    this.lastDataVersion = this.store.dataVersion();
    this.watchTimer = setInterval(() => this.checkForOutsideChanges(), this.options.watchIntervalMs ?? 250);
  }

  /**
   * One sync pass now. Here if this process runs the engine; in a one-off engine if nobody does;
   * otherwise the running daemon is asked to do it, and this waits for its answer.
   */
  async syncNow(
    timeoutMs = 60_000,
    options: { respectRateLimit?: boolean; trigger?: SyncTrigger } = {},
  ): Promise<SyncResult> {
    const trigger = options.trigger ?? 'manual';
    this.requireServer();
    if (options.respectRateLimit) {
      // The License API asked this device (and its fleet) to wait: a one-off command does not jump the queue.
      const until = (this.engine?.status ?? this.savedSnapshot()).rateLimitedUntil;
      if (until !== null && until > this.now())
        return { outcome: 'retrying', status: this.status(), rateLimitedUntil: new Date(until).toISOString() };
    }
    // One pass at a time per agent: two overlapping passes could have their answers acknowledged
    // out of order and leave an older value as the confirmed one.
    while (this.oneOffPass) await this.oneOffPass.catch(() => undefined);
    if (this.engine) return { outcome: await this.engine.syncNow(trigger), status: this.status() };
    if (this.lease.tryAcquire()) {
      this.oneOffPass = this.runOneOffPass(trigger).finally(() => (this.oneOffPass = undefined));
      return this.oneOffPass;
    }
    return this.askEngineOwner(timeoutMs);
  }

  private async runOneOffPass(trigger: SyncTrigger): Promise<SyncResult> {
    const engine = this.createEngine();
    try {
      const outcome = await engine.syncNow(trigger);
      await engine.stop();
      return { outcome, status: this.status() };
    } finally {
      this.lease.release();
    }
  }

  retryDeadLetters(names?: string[]): number {
    const count = this.store.retryDeadLetters(names);
    if (count > 0) {
      this.engine?.notifyChange();
      this.emit('change');
    }
    return count;
  }

  discardDeadLetters(names?: string[]): number {
    const count = this.store.discardDeadLetters(names);
    if (count > 0) this.emit('change');
    return count;
  }

  pause(): void {
    this.engine?.pause();
    if (!this.engine)
      this.store.setMeta(ENGINE_STATE_KEY, JSON.stringify({ ...this.savedSnapshot(), paused: true, state: 'paused' }));
    this.emit('change');
  }

  resume(): void {
    this.engine?.resume();
    // 'synced' is a resting state that status() corrects from the outbox.
    if (!this.engine)
      this.store.setMeta(ENGINE_STATE_KEY, JSON.stringify({ ...this.savedSnapshot(), paused: false, state: 'synced' }));
    this.emit('change');
  }

  /** A hint from the operating system (resume, network up): probe and sync if the API answers. */
  connectivityHint(): void {
    void this.engine?.connectivityHint();
  }

  /** Activate this device now, sending every pending variable with the activation. */
  async activate(): Promise<LicenseObject> {
    const client = this.requireServer();
    const pending = this.store.pending(Number.MAX_SAFE_INTEGER);
    const variables = Object.fromEntries(pending.map((entry) => [entry.name, entry.value]));
    const license = await client.activateLicense(this.licenseRef(), {
      password: this.config.values.password,
      variables: pending.length > 0 ? variables : undefined,
    });
    if (pending.length > 0) {
      const createdAt = this.now();
      this.store.acknowledge(
        pending,
        pending.map((entry) => ({ name: entry.name, value: entry.value, deviceId: license.device_id ?? 0, createdAt })),
      );
      this.emit('change');
    }
    return license;
  }

  async close(): Promise<void> {
    if (!this.beginClosing()) return;
    // Only yield when there is a pass to wait for: with nothing in flight the file closes at once.
    if (this.oneOffPass) await this.oneOffPass.catch(() => undefined);
    if (this.engine) {
      await this.engine.stop();
      this.engine = undefined;
      this.lease.release();
    }
    this.db.close();
  }

  /**
   * Close without waiting, for when nothing runs after the caller returns (Windows ending the
   * session). A pass in flight is abandoned: its values stay pending (a row is deleted only when
   * its own sequence is acknowledged) and go out after the next start.
   */
  closeNow(): void {
    if (!this.beginClosing()) return;
    if (this.engine) {
      void this.engine.stop();
      this.engine = undefined;
      this.lease.release();
    }
    this.db.close();
  }

  private beginClosing(): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.engineWanted = false;
    clearInterval(this.watchTimer);
    clearInterval(this.leaseTimer);
    this.stopHealthReports?.();
    return true;
  }

  private claimEngine(): void {
    if (!this.engineWanted) return;
    try {
      if (this.engine) {
        if (this.store.guardWrite(() => this.lease.renew())) return;
        this.log.warn('lost the engine lease to another process; standing by');
        const engine = this.engine;
        this.engine = undefined;
        void engine.stop();
        return;
      }
      if (!this.oneOffPass && this.store.guardWrite(() => this.lease.tryAcquire())) {
        this.engine = this.createEngine();
        this.engine.start();
        this.log.info(`sync engine started (pid ${process.pid})`);
      }
    } catch (error) {
      // A database problem is logged once by onStoreHealth, not at every renewal.
      if (!(error instanceof StoreError)) this.log.error(`engine lease: ${(error as Error).message}`);
    }
  }

  /** The database became unusable, or usable again: one log line, a change event, and sending resumes at once. */
  private onStoreHealth(problem: StoreError | undefined): void {
    if (problem) {
      this.log.error(problem.message);
    } else {
      this.log.info(`the database ${this.dbPath} can be written again`);
      // The engine may be waiting out a long backoff after storage failures.
      if (this.engine?.status.lastError?.kind === 'storage') void this.engine.syncNow('retry');
    }
    this.emit('change');
  }

  private checkForOutsideChanges(): void {
    try {
      const version = this.store.dataVersion();
      if (version === this.lastDataVersion) return;
      this.lastDataVersion = version;
      if (this.engine) {
        const request = this.store.getMeta(SYNC_REQUEST_KEY);
        if (request && request !== this.lastSyncRequest) {
          this.lastSyncRequest = request;
          void this.engine.syncNow();
        } else {
          this.engine.notifyChange();
        }
      }
      this.emit('change');
    } catch (error) {
      if (!(error instanceof StoreError)) this.log.error(`watching the database: ${(error as Error).message}`);
    }
  }

  private async askEngineOwner(timeoutMs: number): Promise<SyncResult> {
    const requestedAt = this.now();
    this.store.setMeta(SYNC_REQUEST_KEY, `${requestedAt}:${randomUUID()}`);
    const deadline = requestedAt + timeoutMs;
    while (this.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const done = this.store.history(5).find((record) => record.startedAt >= requestedAt);
      const idle = this.store.pendingCount() === 0 && this.savedSnapshot().state === 'synced';
      if (done || idle) {
        const outcome = done ? (done.outcome as PassOutcome) : 'drained';
        return { outcome, status: this.status() };
      }
      if (!this.lease.activeHolder()) return this.syncNow(Math.max(0, deadline - this.now()));
    }
    return { outcome: 'retrying', status: this.status() };
  }

  private createEngine(): SyncEngine {
    const values = this.config.values;
    return new SyncEngine({
      store: this.store,
      client: this.client!,
      ref: this.licenseRef(),
      activation: {
        allowed: values.autoActivate ?? (values.licenseKey !== undefined || values.username !== undefined),
        password: values.password,
      },
      batchSize: values.batchSize,
      backoff: { baseMs: values.retryBaseMs, maxMs: values.retryMaxMs },
      intervalMs: values.syncIntervalSeconds * 1000,
      recheckMs: values.recheckSeconds * 1000,
      debounceMs: values.debounceMs,
      fleetSpreadMs: values.fleetSpreadSeconds * 1000,
      log: this.log,
      now: this.now,
      onChange: () => this.emit('change'),
    });
  }

  private licenseRef(): LicenseRef {
    const values = this.config.values;
    return {
      product: values.product!,
      hardwareId: this.hardwareId!.id,
      licenseKey: values.licenseKey,
      username: values.licenseKey === undefined ? values.username : undefined,
      licenseId: values.licenseId,
      bundleCode: values.bundleCode,
    };
  }

  private requireServer(): LicenseApiClient {
    const problem = serverSettingsProblem(this.config);
    if (problem || !this.client) throw new NotConfiguredError(problem ?? 'Varsync is not configured.');
    return this.client;
  }

  private savedSnapshot(): EngineSnapshot {
    const saved = this.store.getMeta(ENGINE_STATE_KEY);
    return saved
      ? { ...INITIAL_SNAPSHOT, ...(JSON.parse(saved) as Partial<EngineSnapshot>) }
      : { ...INITIAL_SNAPSHOT, state: this.store.pendingCount() > 0 ? 'pending' : 'synced' };
  }
}
