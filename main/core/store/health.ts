// Whether the database can be used right now, as last seen by this process: the problem of the
// last failed operation, cleared by the next write that succeeds. Listeners hear only changes
// (a problem appears, becomes another, or goes away), so a daemon logs one line per condition.
import { StoreError, toStoreError } from './errors.js';

export type HealthListener = (problem: StoreError | undefined) => void;

export class StoreHealth {
  private current: StoreError | undefined;
  private readonly listeners = new Set<HealthListener>();

  constructor(readonly path: string) {}

  /** The condition that made the last operation fail, until a write succeeds again. */
  get problem(): StoreError | undefined {
    return this.current;
  }

  /**
   * Record a failure and return what to throw: a StoreError (said about `context`, e.g. "not
   * queued") for a failure of the database; anything else (a bug) unchanged and unrecorded.
   */
  fail(error: unknown, context?: string): unknown {
    const translated = toStoreError(error, this.path);
    if (!(translated instanceof StoreError)) return translated;
    const changed = this.current?.code !== translated.code || this.current.systemCode !== translated.systemCode;
    this.current = translated;
    if (changed) this.notify();
    return context ? translated.during(context) : translated;
  }

  /** A write went through: whatever was wrong is over. */
  ok(): void {
    if (!this.current) return;
    this.current = undefined;
    this.notify();
  }

  /** Be told when the condition changes; returns the unsubscribe function. */
  onChange(listener: HealthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this.current);
  }
}
