// What the soak driver knows about its sets: which are in flight, and per name the last value
// whose set call returned success (the acknowledged value the server must end with).
import type { VariableValue } from '../shared/wire.js';

export type SetSource = 'setter' | 'cli';

export const valueKey = (value: VariableValue): string => JSON.stringify(value);

export class Ledger {
  private readonly acknowledged = new Map<string, VariableValue>();
  private readonly everAcknowledged = new Map<string, Set<string>>();
  private readonly inFlight = new Map<string, VariableValue>();
  readonly counts = {
    setter: 0,
    cli: 0,
    cliCommands: 0,
    /** Sets a kill cut between the call and its acknowledgement, found in the database afterwards or not. */
    cutCommitted: 0,
    cutNotCommitted: 0,
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

  /** The set call returned success. */
  acknowledge(name: string, source: SetSource): void {
    this.record(name);
    this.counts[source]++;
  }

  /**
   * The process doing the set died before acknowledging it. `found` is what the data folder holds
   * for the name now: if it is the value in flight, the set was committed and that value counts.
   */
  settleCut(name: string, found: VariableValue | undefined): void {
    const value = this.inFlight.get(name);
    if (value === undefined) return;
    if (found !== undefined && valueKey(found) === valueKey(value)) {
      this.record(name);
      this.counts.cutCommitted++;
    } else {
      this.inFlight.delete(name);
      this.counts.cutNotCommitted++;
    }
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
    this.acknowledged.set(name, value);
    let values = this.everAcknowledged.get(name);
    if (!values) this.everAcknowledged.set(name, (values = new Set()));
    values.add(valueKey(value));
  }
}
