// The window's copy of the agent's variables, kept by applying the agent's answers to
// getChanges: a change to one variable replaces one entry, and every other entry keeps its
// identity (so the table's rows compare in one step). The list stays in the agent's order. No DOM here.
import type { VariableChangesView } from '../shared/agent-api.js';
import { fromColumns } from '../shared/variable-columns.js';
import { compareNames, type VariableState, type VariableView } from '../shared/variables.js';

/** Past this many changed or removed names, one linear merge beats a search and a move for each. */
const FEW_CHANGES = 64;

/** The list after `changes`: the same array when nothing changed, else a new one. */
export function applyVariableChanges(
  list: readonly VariableView[] | null,
  changes: VariableChangesView,
): readonly VariableView[] {
  if (changes.full) return fromColumns(changes.columns);
  // Changes need a list to apply to; the agent answers a page without one (no cursor) in full.
  if (list === null) return changes.variables;
  if (changes.variables.length === 0 && changes.removed.length === 0) return list;
  if (changes.variables.length + changes.removed.length > FEW_CHANGES) return merged(list, changes);
  // A change or two (what one `set` brings): find each by name, instead of walking all 10,000.
  const next = list.slice();
  for (const name of changes.removed) {
    const at = placeOf(next, name);
    if (next[at]?.name === name) next.splice(at, 1);
  }
  for (const variable of changes.variables) {
    const at = placeOf(next, variable.name);
    if (next[at]?.name === variable.name) next[at] = variable;
    else next.splice(at, 0, variable);
  }
  return next;
}

/** Where `name` is in the list sorted by name, or where it would go. */
function placeOf(list: readonly VariableView[], name: string): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareNames(list[middle]!.name, name) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The list and many changes in one walk (both by name). */
function merged(list: readonly VariableView[], changes: { variables: VariableView[]; removed: string[] }) {
  const removed = new Set(changes.removed);
  const changed = changes.variables;
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
