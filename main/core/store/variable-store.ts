// The durable outbox and what the server confirmed. Every change is one SQLite transaction, so a
// crash leaves either the old state or the new one, never half of a set or of an acknowledgement.
// A failure of the database (full disk, read-only file, lock, damage) comes out as a StoreError
// that names the file and what to do, and is kept in `health` until a write succeeds again.
import type Database from 'better-sqlite3';
import { StoreError } from './errors.js';
import { StoreHealth } from './health.js';
import { META_KEYS } from './meta-keys.js';
import type { DeviceVariable, VariableValue } from '../../../shared/wire.js';
import type { VariableView } from '../../../shared/variables.js';
import { failureCode } from '../failure-code.js';
import {
  toDeadLetter,
  toPending,
  toSyncRecord,
  variableViews,
  type DeadLetter,
  type PendingEntry,
  type SyncRecord,
} from './records.js';
import { prepareStatements, type Statements } from './statements.js';

export type { DeadLetter, PendingEntry, SyncRecord } from './records.js';

export interface SetOutcome {
  /** Names whose value was queued for sending. */
  queued: string[];
  /** Names already pending with, or confirmed at, this value: nothing to send. */
  unchanged: string[];
}

/** The sync attempts kept (the window's Activity shows them). */
export const HISTORY_KEPT = 200;

/** A GLOB pattern for names with a character past U+FFFF (two UTF-16 code units). */
const HAS_ASTRAL_CHARACTER = '*[\u{10000}-\u{10FFFF}]*';

export class VariableStore {
  /** Whether the database could be used at the last operation, and why not. */
  readonly health: StoreHealth;
  /** Set when this connection was opened on a file it cannot write: it stays read-only until reopened. */
  private readOnlyAtOpen: StoreError | undefined;
  private readonly statements: Statements;
  // Built once: better-sqlite3 wraps a function per transaction() call, which costs more than
  // the statements themselves on the set path.
  private readonly transactions;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.statements = prepareStatements(db);
    this.transactions = this.buildTransactions();
    this.health = new StoreHealth(db.name);
    this.checkWritable();
  }

  /**
   * Whether this connection may write at all, without writing: SQLite silently opens a file it
   * cannot write read-only, and only the first write would tell. A change made and rolled back
   * shows it; a lock held elsewhere says nothing about it and is not waited for.
   */
  private checkWritable(): void {
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma('busy_timeout = 0');
    try {
      this.db.exec(`BEGIN IMMEDIATE; UPDATE meta SET value = value WHERE key = '${META_KEYS.lastSeq}'; ROLLBACK`);
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      const code = failureCode(error) ?? '';
      if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_LOCKED')) {
        const problem = this.health.fail(error);
        if (problem instanceof StoreError && problem.code === 'database_readonly') this.readOnlyAtOpen = problem;
      }
    } finally {
      this.db.pragma(`busy_timeout = ${timeout}`);
    }
  }

  /**
   * Refuse to go on with a connection opened read-only (a daemon could never write with it,
   * even once the file is writable again): the error says to make it writable and start again.
   */
  requireWritable(): void {
    const problem = this.readOnlyAtOpen;
    if (problem)
      throw new StoreError(
        problem.code,
        problem.reason,
        'make the data folder and the files in it writable, then start Varsync again',
        problem.systemCode,
      );
  }

  /** Run another component's write on this database (the engine lease): its failure is recorded and translated like the store's own. */
  guardWrite<T>(write: () => T): T {
    return this.write(write);
  }

  private read<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw this.health.fail(error);
    }
  }

  private write<T>(run: () => T): T {
    let result: T;
    try {
      result = run();
    } catch (error) {
      throw this.health.fail(error);
    }
    this.health.ok();
    return result;
  }

  private buildTransactions() {
    const st = this.statements;
    return {
      set: this.db.transaction((variables: Record<string, VariableValue>, at: number): SetOutcome => {
        const outcome: SetOutcome = { queued: [], unchanged: [] };
        for (const [name, value] of Object.entries(variables)) {
          const json = JSON.stringify(value);
          const pending = st.pendingValue.get(name);
          const deadLetter = st.isDeadLetter.get(name);
          const same = pending ? pending.value === json : !deadLetter && st.confirmedValue.get(name)?.value === json;
          if (same) {
            outcome.unchanged.push(name);
            continue;
          }
          st.upsertOutbox.run({ name, value: json, seq: this.takeSeq(), queuedAt: at });
          if (deadLetter) st.deleteDeadLetter.run(name);
          outcome.queued.push(name);
        }
        return outcome;
      }),
      countAttempt: this.db.transaction((entries: PendingEntry[]) => {
        for (const entry of entries) st.countAttempt.run(entry.name, entry.seq);
      }),
      acknowledge: this.db.transaction((sent: PendingEntry[], answer: DeviceVariable[], syncedAt: number): number => {
        const byName = new Map(answer.map((variable) => [variable.name, variable]));
        let removed = 0;
        for (const entry of sent) {
          const server = byName.get(entry.name);
          removed += st.deleteIfSeq.run(entry.name, entry.seq).changes;
          st.upsertConfirmed.run({
            name: entry.name,
            value: JSON.stringify(entry.value),
            seq: entry.seq,
            deviceId: server?.deviceId ?? null,
            createdAt: server?.createdAt ?? null,
            changedAt: entry.queuedAt,
            syncedAt,
          });
        }
        return removed;
      }),
      deadLetter: this.db.transaction((entry: PendingEntry, code: string, message: string, at: number): boolean => {
        if (st.deleteIfSeq.run(entry.name, entry.seq).changes === 0) return false;
        st.insertDeadLetter.run({
          name: entry.name,
          value: JSON.stringify(entry.value),
          code,
          message,
          attempts: entry.attempts + 1,
          queuedAt: entry.queuedAt,
          at,
        });
        return true;
      }),
      retryDeadLetters: this.db.transaction((names: string[] | undefined, at: number): number => {
        let count = 0;
        for (const letter of this.selectDeadLetters(names)) {
          st.deleteDeadLetter.run(letter.name);
          if (st.pendingValue.get(letter.name)) continue; // a newer value is already queued
          st.upsertOutbox.run({
            name: letter.name,
            value: JSON.stringify(letter.value),
            seq: this.takeSeq(),
            queuedAt: at,
          });
          count++;
        }
        return count;
      }),
      discardDeadLetters: this.db.transaction((names: string[] | undefined): number => {
        const letters = this.selectDeadLetters(names);
        for (const letter of letters) st.deleteDeadLetter.run(letter.name);
        return letters.length;
      }),
      recordSync: this.db.transaction((record: SyncRecord) => {
        st.insertHistory.run({
          ...record,
          code: record.code ?? null,
          kind: record.kind ?? null,
          message: record.message ?? null,
          trigger: record.trigger ?? null,
          pending: record.pending ?? null,
        });
        st.trimHistory.run(HISTORY_KEPT);
      }),
      // One read transaction, so the three tables are seen at one moment: between two separate
      // reads another process could acknowledge a value, and the view would show the older
      // confirmed one as synced.
      viewRows: this.db.transaction(() => ({
        confirmed: st.confirmedAll.all(),
        deadLetters: this.deadLetters(),
        outbox: st.outboxAll.all(),
      })),
      // The same, for the names that can be among the first `limit` of the view (firstViews).
      firstViewRows: this.db.transaction((limit: number) => {
        const candidates = [...st.firstNames.all(limit), ...st.namesLike.all(HAS_ASTRAL_CHARACTER)];
        const named = JSON.stringify(candidates);
        const wanted = new Set(candidates);
        return {
          confirmed: st.confirmedNamed.all(named),
          deadLetters: this.deadLetters().filter((letter) => wanted.has(letter.name)),
          outbox: st.outboxNamed.all(named),
          total: st.nameCount.get() ?? 0,
        };
      }),
    };
  }

  /**
   * Queue values, all or nothing. A name already pending gets the new value (last write wins);
   * a value equal to the confirmed one with nothing pending is not queued again; a new value for
   * a dead-lettered name replaces the dead letter.
   */
  set(variables: Record<string, VariableValue>): SetOutcome {
    let outcome: SetOutcome;
    try {
      outcome = this.transactions.set.immediate(variables, this.now());
    } catch (error) {
      throw this.health.fail(error, 'not queued');
    }
    if (outcome.queued.length > 0) this.health.ok();
    return outcome;
  }

  /** The oldest pending values first. */
  pending(limit: number): PendingEntry[] {
    return this.read(() => this.statements.pending.all(limit)).map(toPending);
  }

  pendingCount(): number {
    return this.read(() => this.statements.pendingCount.get()!.count);
  }

  deadLetterCount(): number {
    return this.read(() => this.statements.deadLetterCount.get()!.count);
  }

  countAttempt(entries: PendingEntry[]): void {
    this.write(() => this.transactions.countAttempt(entries));
  }

  /**
   * The server stored these values. Each is recorded as confirmed, and leaves the outbox only if
   * its row still holds the value that was sent (same seq): a newer value set meanwhile stays.
   * Returns how many rows left the outbox.
   */
  acknowledge(sent: PendingEntry[], answer: DeviceVariable[]): number {
    return this.write(() => this.transactions.acknowledge.immediate(sent, answer, this.now()));
  }

  /** The server refused this value: keep it, visible, with the server's reason. False when a newer value superseded it. */
  deadLetter(entry: PendingEntry, code: string, message: string): boolean {
    return this.write(() => this.transactions.deadLetter.immediate(entry, code, message, this.now()));
  }

  deadLetters(): DeadLetter[] {
    return this.read(() => this.statements.deadLetters.all()).map(toDeadLetter);
  }

  /** Queue dead letters again (all, or the named ones). Returns how many were queued. */
  retryDeadLetters(names?: string[]): number {
    return this.write(() => this.transactions.retryDeadLetters.immediate(names, this.now()));
  }

  /** Drop dead letters for good (all, or the named ones): an explicit decision of a person. */
  discardDeadLetters(names?: string[]): number {
    return this.write(() => this.transactions.discardDeadLetters.immediate(names));
  }

  /** Every name with its latest local value and where it stands. */
  view(): VariableView[] {
    const { confirmed, deadLetters, outbox } = this.read(() => this.transactions.viewRows());
    return variableViews(confirmed, deadLetters, outbox);
  }

  /**
   * The first `limit` variables of view() and how many it has, reading only the rows that can be
   * among them (a page's first screen: 10,000 rows take 40 ms to read and build). view() sorts by
   * UTF-16 code units, SQLite by code points: the two disagree only where a character past U+FFFF
   * (first in UTF-16) meets one from U+E000 to U+FFFF, so SQLite's first `limit` names and every
   * name with such a character hold view()'s first `limit`.
   */
  firstViews(limit: number): { first: VariableView[]; total: number } {
    const { confirmed, deadLetters, outbox, total } = this.read(() => this.transactions.firstViewRows(limit));
    return { first: variableViews(confirmed, deadLetters, outbox).slice(0, limit), total };
  }

  recordSync(record: SyncRecord): void {
    this.write(() => this.transactions.recordSync(record));
  }

  history(limit = 20): SyncRecord[] {
    return this.read(() => this.statements.history.all(limit)).map(toSyncRecord);
  }

  getMeta(key: string): string | undefined {
    return this.read(() => this.statements.getMeta.get(key)?.value);
  }

  setMeta(key: string, value: string): void {
    this.write(() => this.statements.setMeta.run(key, value));
  }

  recordEvent(kind: string, detail: unknown): void {
    this.write(() => this.statements.insertEvent.run(this.now(), kind, JSON.stringify(detail)));
  }

  lastEvent<T>(kind: string): { at: number; detail: T } | undefined {
    const row = this.read(() => this.statements.lastEvent.get(kind));
    return row && { at: row.at, detail: JSON.parse(row.detail) as T };
  }

  /** Changes whenever another connection (another process) commits: cheap to poll. */
  dataVersion(): number {
    return this.read(() => this.statements.dataVersion.get() as number);
  }

  private takeSeq(): number {
    return Number(this.statements.nextSeq.get()!.value);
  }

  private selectDeadLetters(names?: string[]): DeadLetter[] {
    const all = this.deadLetters();
    if (!names) return all;
    const wanted = new Set(names);
    return all.filter((letter) => wanted.has(letter.name));
  }
}
