// The window's copy of the agent's variables, kept by applying the agent's answers to
// getChanges: a change to one variable replaces one entry, and every other entry keeps its
// identity (so the table's rows compare in one step). The list stays in the agent's order. No DOM here.
import type { VariableChangesView } from '../shared/agent-api.js';
import { fromColumns } from '../shared/variable-columns.js';
import { compareNames, type VariableState, type VariableView } from '../shared/variables.js';

/** The list after `changes`: the same array when nothing changed, else a new one (one linear merge). */
export function applyVariableChanges(
  list: readonly VariableView[] | null,
  changes: VariableChangesView,
): readonly VariableView[] {
  if (changes.full) return fromColumns(changes.columns);
  // Changes need a list to apply to; the agent answers a page without one (no cursor) in full.
  if (list === null) return changes.variables;
  if (changes.variables.length === 0 && changes.removed.length === 0) return list;
  const removed = new Set(changes.removed);
  const changed = changes.variables; // sorted by name, like the list
  const next: VariableView[] = [];
  let at = 0;
  for (const variable of list) {
    while (at < changed.length && compareNames(changed[at]!.name, variable.name) < 0) next.push(changed[at++]!);
    if (at < changed.length && changed[at]!.name === variable.name) next.push(changed[at++]!);
    else if (!removed.has(variable.name)) next.push(variable);
  }
  while (at < changed.length) next.push(changed[at++]!);
  return next;
}

export type StateFilter = 'all' | VariableState;

/** Names in lower case, kept across changes and keystrokes (a name's never changes). */
const lowerNames = new Map<string, string>();

function lowerName(name: string): string {
  let lower = lowerNames.get(name);
  if (lower === undefined) lowerNames.set(name, (lower = name.toLocaleLowerCase()));
  return lower;
}

/** The variables whose name contains `query` (ignoring case and surrounding spaces), in the given state; the list itself when nothing is filtered. */
export function filterVariables(
  variables: readonly VariableView[],
  query: string,
  state: StateFilter = 'all',
): readonly VariableView[] {
  const needle = query.trim().toLocaleLowerCase();
  if (needle === '' && state === 'all') return variables;
  return variables.filter(
    (variable) =>
      (state === 'all' || variable.state === state) && (needle === '' || lowerName(variable.name).includes(needle)),
  );
}
