// The agent: one object composing configuration, identity, the store, the License API client and
// the sync engine. Several processes may open the same data folder: each sees the others' writes,
// and only the holder of the engine lease sends.
import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { AttemptLogView, AttemptView, StatusView, SyncResultView, SyncTrigger } from '../../shared/agent-api.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { NetworkCheckView } from '../../shared/network-check.js';
import { validateVariables, type VariableView } from '../../shared/variables.js';
import type { LicenseObject } from '../../shared/wire.js';
import type { LicenseRef } from './api/client.js';
import type { LazyLicenseApiClient } from './api/lazy-client.js';
import { configuredTransport, type HttpTransport } from './api/transport.js';
import { serverSettingsProblem, type ResolvedConfig } from './config/resolve.js';
import { queueInitialVariables } from './config/initial-variables.js';
import { resolveHardwareId, type HardwareId } from './identity/hardware-id.js';
import { silentLogger, type Logger } from './log.js';
import { Redactor, sensitiveValues } from './log/redaction.js';
import { attemptLog, attemptView } from './activity.js';
import { apiClientFor, engineSettingsFor, licenseRefFor } from './agent-parts.js';
import { describeRecovery, openDatabase, type DatabaseRecovery } from './store/database.js';
import { HISTORY_KEPT, VariableStore, type DeadLetter, type SetOutcome } from './store/variable-store.js';
import { SyncEngine } from './sync/engine.js';
import { EngineHost } from './sync/engine-host.js';
import { readEngineState, saveEngineState } from './sync/engine-state.js';
import { projectStatus } from './status.js';
import { networkCheckOf } from './diagnostics/network-check.js';

/** What `status()` returns: the shared StatusView (the window, the status page and the CLI show the same). */
export type AgentStatus = StatusView;

export interface AgentOptions {
  config: ResolvedConfig;
  log?: Logger;
  clock?: Clock;
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
export interface SyncResult extends SyncResultView {
  /** Set when nothing was sent because a rate-limit pause lasts until then (ISO 8601). */
  rateLimitedUntil?: string;
}

export class NotConfiguredError extends Error {
  override readonly name = 'NotConfiguredError';
}

export class Agent extends EventEmitter<{ change: [] }> {
  readonly config: ResolvedConfig;
  readonly store: VariableStore;
  readonly hardwareId: HardwareId | undefined;
  private readonly db: Database.Database;
  private readonly dbPath: string;
  private readonly recovery: DatabaseRecovery | undefined;
  private readonly log: Logger;
  private readonly clock: Clock;
  /** The time, for the parts that only read it. */
  private readonly now: () => number;
  private readonly host: EngineHost;
  private readonly client: LazyLicenseApiClient | undefined;
  /** How this agent reaches the License API: its client's requests and the network self-test. */
  readonly transport: HttpTransport;
  private closed = false;

  private constructor(private readonly options: AgentOptions) {
    super();
    this.config = options.config;
    this.log = options.log ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.now = () => this.clock.now();
    const values = this.config.values;
    // First, so that a caFile that cannot be read stops start-up before the database is opened.
    const transport = options.transport ?? configuredTransport(this.config, options.env);
    this.transport = transport;
    const opened = openDatabase(values.dataDir, this.now, options.sqliteNativeBinding);
    this.db = opened.db;
    this.dbPath = opened.path;
    this.store = new VariableStore(this.db, this.now);
    if (opened.recovery) {
      this.store.recordEvent('database_recovered', opened.recovery);
      this.log.error(describeRecovery(opened.recovery));
    }
    this.recovery = opened.recovery ?? this.store.lastEvent<DatabaseRecovery>('database_recovered')?.detail;
    this.host = new EngineHost({
      db: this.db,
      store: this.store,
      dbPath: this.dbPath,
      log: this.log,
      clock: this.clock,
      watchIntervalMs: options.watchIntervalMs,
      leaseTtlMs: options.leaseTtlMs,
      createEngine: () => this.createEngine(),
      status: () => this.status(),
      onChange: () => this.emit('change'),
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
    this.client = apiClientFor(this.config, { transport, log: this.log, now: this.now });
  }

  /** The network self-test over this agent's own transport (the window's "Test the connection"). */
  async checkNetwork(): Promise<NetworkCheckView> {
    const check = await networkCheckOf(this.config, this.transport, this.now);
    if (!check) throw new Error(`the API URL ${this.config.values.apiUrl} cannot be used; see varsync config`);
    return check;
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

  /** The vendor file's `variables`, each queued once (config/initial-variables.ts). */
  private applyInitialVariables(): void {
    const queued = queueInitialVariables(this.db, this.store, this.config.vendor.variables);
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
      this.host.engine?.notifyChange();
      this.emit('change');
    }
    return outcome;
  }

  variables(): VariableView[] {
    return this.store.view();
  }

  /** The first `count` of variables() and how many there are, without reading them all. */
  firstVariables(count: number): { first: VariableView[]; total: number } {
    return this.store.firstViews(count);
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
    const engine = this.host.engine;
    const holder = this.host.holder();
    return projectStatus({
      snapshot: engine?.status ?? readEngineState(this.store),
      storeProblem: this.store.health.problem,
      pending: this.store.pendingCount(),
      failed: this.store.deadLetterCount(),
      engine: {
        running: engine !== undefined || holder !== undefined,
        here: engine !== undefined,
        pid: engine ? process.pid : (holder?.pid ?? null),
      },
      product: this.config.values.product,
      hardwareId: this.hardwareId,
      database: { path: this.dbPath, recovered: this.recovery },
      demo: this.options.demo === true,
      locale: this.config.values.locale,
    });
  }

  /**
   * Run the sync engine in this process for as long as the agent is open. If another process holds
   * the engine lease, wait on standby and take over when it goes away.
   */
  startEngine(): void {
    this.requireServer();
    this.store.requireWritable();
    this.host.start();
  }

  /** Emit `change` when another process writes; with the engine here, act on its sets and sync requests. */
  watch(): void {
    this.host.watch();
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
      const until = (this.host.engine?.status ?? readEngineState(this.store)).rateLimitedUntil;
      if (until !== null && until > this.now())
        return { outcome: 'retrying', status: this.status(), rateLimitedUntil: new Date(until).toISOString() };
    }
    return this.host.syncNow(timeoutMs, trigger);
  }

  retryDeadLetters(names?: string[]): number {
    const count = this.store.retryDeadLetters(names);
    if (count > 0) {
      this.host.engine?.notifyChange();
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
    const engine = this.host.engine;
    if (engine) engine.pause();
    else saveEngineState(this.store, { ...readEngineState(this.store), paused: true, state: 'paused' });
    this.emit('change');
  }

  resume(): void {
    const engine = this.host.engine;
    // 'synced' is a resting state that the status projection corrects from the outbox.
    if (engine) engine.resume();
    else saveEngineState(this.store, { ...readEngineState(this.store), paused: false, state: 'synced' });
    this.emit('change');
  }

  /** A hint from the operating system (resume, network up): probe and sync if the API answers. */
  connectivityHint(): void {
    void this.host.engine?.connectivityHint();
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
    if (this.closed) return;
    this.closed = true;
    await this.host.close();
    this.db.close();
  }

  /**
   * Close without waiting, for when nothing runs after the caller returns (Windows ending the
   * session). A pass in flight is abandoned: its values stay pending (a row is deleted only when
   * its own sequence is acknowledged) and go out after the next start.
   */
  closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    this.host.closeNow();
    this.db.close();
  }

  private createEngine(): SyncEngine {
    return new SyncEngine({
      ...engineSettingsFor(this.config.values),
      store: this.store,
      client: this.client!,
      ref: this.licenseRef(),
      log: this.log,
      clock: this.clock,
      onChange: () => this.emit('change'),
    });
  }

  private licenseRef(): LicenseRef {
    return licenseRefFor(this.config.values, this.hardwareId!.id);
  }

  private requireServer(): LazyLicenseApiClient {
    const problem = serverSettingsProblem(this.config);
    if (problem || !this.client) throw new NotConfiguredError(problem ?? 'Varsync is not configured.');
    return this.client;
  }
}
