// The vendor file's `variables`: queued once, not at every start. The store's meta table keeps a
// hash of each value applied, so a start with the same file queues nothing (and never overwrites
// a value the vendor app set since), and a changed file queues only the names whose value changed.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { validateVariables } from '../../../shared/variables.js';
import type { VariableValue } from '../../../shared/wire.js';
import { META_KEYS } from '../store/meta-keys.js';
import type { VariableStore } from '../store/variable-store.js';

/** name -> hash of the JSON of the value last applied. */
export type AppliedInitialVariables = Record<string, string>;

export interface InitialVariablesPlan {
  /** The variables to queue now: new names and changed values. */
  toQueue: Record<string, VariableValue>;
  /** What the meta table should say afterwards (names gone from the file are forgotten). */
  applied: AppliedInitialVariables;
}

export function hashValue(value: VariableValue): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

export function planInitialVariables(
  variables: Record<string, VariableValue>,
  appliedBefore: string | undefined,
): InitialVariablesPlan {
  const before = parseApplied(appliedBefore);
  const entries = Object.entries(variables);
  // fromEntries, not assignment: a variable named "__proto__" is a name like any other.
  const applied: AppliedInitialVariables = Object.fromEntries(entries.map(([name, value]) => [name, hashValue(value)]));
  const toQueue: Record<string, VariableValue> = Object.fromEntries(
    entries.filter(([name]) => !Object.hasOwn(before, name) || before[name] !== applied[name]),
  );
  return { toQueue, applied };
}

function parseApplied(text: string | undefined): AppliedInitialVariables {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as AppliedInitialVariables)
      : {};
  } catch {
    return {};
  }
}

/**
 * Queue the vendor file's new and changed `variables`: the values applied are remembered (hashed)
 * in the same transaction that queues them, so a restart queues nothing and a changed file queues
 * only what changed. Returns the names queued.
 */
export function queueInitialVariables(
  db: Database.Database,
  store: VariableStore,
  variables: Record<string, VariableValue>,
): string[] {
  // A file that cannot be written: they are queued at the next start that can (reading still works).
  if (store.health.problem?.code === 'database_readonly') return [];
  const before = store.getMeta(META_KEYS.vendorInitialVariables);
  const preview = planInitialVariables(variables, before);
  // Most starts: nothing new, and no write (read-only commands stay read-only).
  if (Object.keys(preview.toQueue).length === 0 && JSON.stringify(preview.applied) === (before ?? '{}')) return [];
  return db
    .transaction(() => {
      const plan = planInitialVariables(variables, store.getMeta(META_KEYS.vendorInitialVariables));
      const outcome = Object.keys(plan.toQueue).length > 0 ? store.set(validateVariables(plan.toQueue)).queued : [];
      store.setMeta(META_KEYS.vendorInitialVariables, JSON.stringify(plan.applied));
      return outcome;
    })
    .immediate();
}
