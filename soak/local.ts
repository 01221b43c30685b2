// The data folder as the agent shows it (what `varsync get` and the dead-letter list read), opened
// by the soak driver between and after the daemon's runs. Opening never starts an engine.
import { Agent } from '../main/core/agent.js';
import type { DeadLetter } from '../main/core/store/variable-store.js';
import type { ResolvedConfig } from '../main/core/config/resolve.js';
import type { VariableView } from '../shared/variables.js';
import type { VariableValue } from '../shared/wire.js';

export interface LocalPicture {
  variables: VariableView[];
  deadLetters: DeadLetter[];
  pending: number;
}

export function readLocalPicture(config: ResolvedConfig): LocalPicture {
  const agent = Agent.open({ config });
  try {
    return { variables: agent.variables(), deadLetters: agent.deadLetters(), pending: agent.status().pending };
  } finally {
    // Without an engine or a pass in flight, close() closes the file before it returns.
    void agent.close();
  }
}

/** The local value (pending, synced or refused) of each of these names that has one. */
export function readLocalValues(config: ResolvedConfig, names: string[]): Map<string, VariableValue> {
  const wanted = new Set(names);
  const found = new Map<string, VariableValue>();
  for (const variable of readLocalPicture(config).variables)
    if (wanted.has(variable.name)) found.set(variable.name, variable.value);
  return found;
}
