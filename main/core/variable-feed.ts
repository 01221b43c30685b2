// The variables as a feed of changes, for the window and the status page: a page that already
// holds the list asks for what changed since its cursor and gets those rows only, instead of all
// 10,000 on every change. The feed diffs the agent's list against the one it last saw, when asked
// (nothing runs while no page asks), and keeps a short log of which names changed in each version.
// A cursor it cannot serve (another run's, or older than the log) gets the whole list.
import { randomBytes } from 'node:crypto';
import type { VariableChangesView } from '../../shared/agent-api.js';
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
  /** Tells this feed's cursors from another run's (a restarted daemon starts again at version 0). */
  private readonly run = randomBytes(6).toString('base64url');
  private version = 0;
  private seen: Map<string, VariableView> | null = null;
  private log: Version[] = [];
  private loggedNames = 0;

  constructor(private readonly read: () => VariableView[]) {}

  changesSince(cursor: string | null): VariableChangesView {
    const current = this.read();
    const byName = new Map(current.map((variable) => [variable.name, variable]));
    this.advance(byName);
    const since = this.versionOf(cursor);
    if (since === undefined) return { cursor: this.cursor(), full: true, variables: current, removed: [] };
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
    return { cursor: this.cursor(), full: false, variables, removed };
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

  private cursor(): string {
    return `${this.run}:${this.version}`;
  }

  /** The version a cursor stands for, when this feed can still say what changed since. */
  private versionOf(cursor: string | null): number | undefined {
    if (cursor === null) return undefined;
    const [run, text] = cursor.split(':');
    const version = Number(text);
    if (run !== this.run || !Number.isInteger(version) || version > this.version) return undefined;
    const oldest = this.log[0]?.version ?? this.version + 1;
    // The log must hold every version after `since`: from since + 1 on.
    return version >= oldest - 1 ? version : undefined;
  }
}
