// The variables as a feed of changes (a part of change-feed.ts's answer): a page that already holds
// the list asks for what changed since its version and gets those rows only, instead of all 10,000
// on every change. The feed diffs the agent's list against the one it last saw, when asked
// (nothing runs while no page asks), and keeps a short log of which names changed in each version.
// A version it cannot serve (newer than its own, or older than the log) gets the whole list, as columns.
import type { VariableChangesView } from '../../shared/agent-api.js';
import { toColumns } from '../../shared/variable-columns.js';
import { compareNames, sameVariable, type VariableView } from '../../shared/variables.js';

/** Versions kept, and names over all of them: past either, a page that far behind reloads the list. */
const KEPT_VERSIONS = 64;
const KEPT_NAMES = 20_000;

interface Version {
  version: number;
  /** Added, changed or removed in this version. */
  names: string[];
}

export class VariableFeed {
  private version = 0;
  private seen: Map<string, VariableView> | null = null;
  private log: Version[] = [];
  private loggedNames = 0;

  constructor(private readonly read: () => VariableView[]) {}

  /** The changes since version `since` (undefined: the whole list), and the version they bring the page to. */
  changesSince(since: number | undefined): { version: number; changes: VariableChangesView } {
    const current = this.read();
    const byName = new Map(current.map((variable) => [variable.name, variable]));
    this.advance(byName);
    const version = this.version;
    if (since === undefined || !this.canServe(since))
      return { version, changes: { full: true, columns: toColumns(current) } };
    const names = new Set<string>();
    for (const entry of this.log) if (entry.version > since) for (const name of entry.names) names.add(name);
    const variables: VariableView[] = [];
    const removed: string[] = [];
    for (const name of names) {
      const variable = byName.get(name);
      if (variable) variables.push(variable);
      else removed.push(name);
    }
    variables.sort((a, b) => compareNames(a.name, b.name));
    return { version, changes: { full: false, variables, removed } };
  }

  /** A new version when the list differs from the one seen last. */
  private advance(current: Map<string, VariableView>): void {
    const seen = this.seen;
    this.seen = current;
    if (!seen) return;
    const names: string[] = [];
    for (const [name, variable] of current) {
      const before = seen.get(name);
      if (!before || !sameVariable(before, variable)) names.push(name);
    }
    for (const name of seen.keys()) if (!current.has(name)) names.push(name);
    if (names.length === 0) return;
    this.version++;
    this.log.push({ version: this.version, names });
    this.loggedNames += names.length;
    while (this.log.length > KEPT_VERSIONS || (this.loggedNames > KEPT_NAMES && this.log.length > 1))
      this.loggedNames -= this.log.shift()!.names.length;
  }

  /** Whether the log holds every version after `since`. */
  private canServe(since: number): boolean {
    if (!Number.isInteger(since) || since < 0 || since > this.version) return false;
    const oldest = this.log[0]?.version ?? this.version + 1;
    return since >= oldest - 1;
  }
}
