// What the soak driver knows about its sets: which are in flight, and per name the last value
// whose set call returned success (the acknowledged value the server must end with).
//
// A set cut by a kill is settled by reading the data folder right after the kill. If its value is
// there, it was committed and counts as acknowledged. If not, it is not necessarily gone: SQLite
// may have written and synced the transaction's commit frame to the WAL file while the process died
// before updating the WAL index (the -shm file, a cache). Readers that share the still-valid index
// do not see that transaction; when every connection has closed, the next one to open rebuilds the
// index from the WAL file and the transaction appears (test/soak/wal-cut-commit.test.ts shows it).
// Any later write overwrites those frames instead. So such a value stays "maybe committed" until a
// read of the data folder shows it (then it counts as committed) or a later acknowledged set of the
// same name replaces it; until then either value is correct for that name.
import type { VariableValue } from '../shared/wire.js';

export type SetSource = 'setter' | 'cli';

export const valueKey = (value: VariableValue): string => JSON.stringify(value);

export class Ledger {
  private readonly acknowledged = new Map<string, VariableValue>();
  private readonly everAcknowledged = new Map<string, Set<string>>();
  private readonly inFlight = new Map<string, VariableValue>();
  /** Name -> values of cut sets not seen when settled, which may still appear (see above). */
  private readonly maybeCommitted = new Map<string, Map<string, VariableValue>>();
  readonly counts = {
    setter: 0,
    cli: 0,
    cliCommands: 0,
    /** Sets a kill cut between the call and its acknowledgement whose value was in the database right after. */
    cutCommitted: 0,
    /** Cut sets not seen right after the kill whose value appeared in a later read (SQLite recovered the commit). */
    cutCommittedLater: 0,
    /** Cut sets not seen right after the kill (some of them may appear later: cutCommittedLater). */
    cutNotSeen: 0,
  };

  get acknowledgedSets(): number {
    return this.counts.setter + this.counts.cli;
  }

  /** A name with a set in flight gets no other set until that one is settled: the last value must be known. */
  isBusy(name: string): boolean {
    return this.inFlight.has(name);
  }

  begin(name: string, value: VariableValue): void {
    if (this.inFlight.has(name)) throw new Error(`a set of "${name}" is already in flight`);
    this.inFlight.set(name, value);
  }

  /** The set call returned success: its value replaces every earlier one, cut sets' included. */
  acknowledge(name: string, source: SetSource): void {
    this.record(name);
    this.counts[source]++;
  }

  /**
   * The process doing the set died before acknowledging it. `found` is what the data folder holds
   * for the name now: if it is the value in flight, the set was committed and that value counts;
   * if not, the value may still appear later (see the top of this file).
   */
  settleCut(name: string, found: VariableValue | undefined): void {
    const value = this.inFlight.get(name);
    if (value === undefined) return;
    if (found !== undefined && valueKey(found) === valueKey(value)) {
      this.record(name);
      this.counts.cutCommitted++;
    } else {
      this.inFlight.delete(name);
      let values = this.maybeCommitted.get(name);
      if (!values) this.maybeCommitted.set(name, (values = new Map()));
      values.set(valueKey(value), value);
      this.counts.cutNotSeen++;
    }
  }

  /**
   * A read of the data folder found `value` for a name with no set in flight. A cut set's value
   * found there is committed from now on (SQLite rebuilt its index with it) and becomes the one the
   * server must end with. True when the value is the one the ledger expects now.
   */
  observeLocal(name: string, value: VariableValue): boolean {
    const key = valueKey(value);
    const expected = this.acknowledged.get(name);
    if (expected !== undefined && valueKey(expected) === key) return true;
    const maybe = this.maybeCommitted.get(name)?.get(key);
    if (maybe === undefined) return false;
    this.inFlight.set(name, maybe);
    this.record(name);
    this.counts.cutCommittedLater++;
    return true;
  }

  /** Whether the server or the data folder may hold this value for the name now (the expected one, or a cut set's that may still appear). */
  mayHold(name: string, value: VariableValue): boolean {
    const key = valueKey(value);
    const expected = this.acknowledged.get(name);
    return (expected !== undefined && valueKey(expected) === key) || (this.maybeCommitted.get(name)?.has(key) ?? false);
  }

  /** A set the agent refused (it must not happen with the soak's valid names and values). */
  refuse(name: string): void {
    this.inFlight.delete(name);
  }

  /** Name -> last acknowledged value. */
  expected(): ReadonlyMap<string, VariableValue> {
    return this.acknowledged;
  }

  wasAcknowledged(name: string, value: VariableValue): boolean {
    return this.everAcknowledged.get(name)?.has(valueKey(value)) ?? false;
  }

  private record(name: string): void {
    const value = this.inFlight.get(name);
    if (value === undefined) throw new Error(`no set of "${name}" is in flight`);
    this.inFlight.delete(name);
    this.maybeCommitted.delete(name);
    this.acknowledged.set(name, value);
    let values = this.everAcknowledged.get(name);
    if (!values) this.everAcknowledged.set(name, (values = new Set()));
    values.add(valueKey(value));
  }
}
