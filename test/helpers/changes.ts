// Reading getChanges' answers in tests: the rows an answer carries, whether the whole list (sent as
// columns) or only the changed ones.
import type { VariableChangesView } from '../../shared/agent-api.js';
import { fromColumns } from '../../shared/variable-columns.js';
import type { VariableView } from '../../shared/variables.js';

export function rowsOf(changes: VariableChangesView): VariableView[] {
  return changes.full ? fromColumns(changes.columns) : changes.variables;
}
