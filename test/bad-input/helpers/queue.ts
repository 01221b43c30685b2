// A queue of known values in a real SQLite store, seeded before a surface is fuzzed and checked
// after every case: refusals must leave the store exactly as it was, and nothing seeded may
// ever go missing (a value leaves the outbox only by being confirmed or refused by the server).
import { Agent } from '../../../main/core/agent.js';
import { objectLayer, resolveConfig, type ResolvedConfig } from '../../../main/core/config/resolve.js';
import type { VariableValue } from '../../../shared/wire.js';

/** Pending values of every type and shape the store keeps, under names no generator aims at. */
export const SEEDED_PENDING: Readonly<Record<string, VariableValue>> = {
  'seeded.color': 'blue',
  'seeded.seats': 3,
  'seeded.ratio': -0.125,
  'seeded.beta': true,
  'seeded.off': false,
  'seeded.empty': '',
  'seeded.text': 'línea "uno" \\ ✓ 𝄞',
  'seeded.long': 'x'.repeat(4096),
};

/** Values the server refused: a bad input must not retry or drop them. */
export const SEEDED_DEAD_LETTERS: Readonly<Record<string, VariableValue>> = {
  'seeded.refused.a': 'kept for a person to decide',
  'seeded.refused.b': 42,
};

export interface QueueSnapshot {
  /** name -> JSON of the value and its sequence number. */
  pending: Map<string, string>;
  /** name -> JSON of the value. */
  deadLetters: Map<string, string>;
}

/** A configuration whose only setting is the data folder (plus `extra`). */
export function dataDirConfig(dataDir: string, extra: Record<string, unknown> = {}): ResolvedConfig {
  return resolveConfig([objectLayer('flag', { dataDir, ...extra }, 'bad-input test')], {});
}

/** Queue the seeded values, and turn the dead-letter ones into values the server refused. */
export function seedQueue(agent: Agent): void {
  agent.set({ ...SEEDED_PENDING });
  seedDeadLetters(agent);
}

/** (Again) make the seeded dead letters refused values, e.g. after a case legitimately retried or discarded them. */
export function seedDeadLetters(agent: Agent): void {
  const names = Object.keys(SEEDED_DEAD_LETTERS);
  const present = new Set(agent.deadLetters().map((letter) => letter.name));
  const missing = names.filter((name) => !present.has(name));
  if (missing.length === 0) return;
  agent.store.set(Object.fromEntries(missing.map((name) => [name, SEEDED_DEAD_LETTERS[name]!])));
  for (const entry of agent.store.pending(Number.MAX_SAFE_INTEGER)) {
    if (missing.includes(entry.name))
      agent.store.deadLetter(entry, 'validation_error', 'refused when the test seeded it');
  }
}

export function snapshotQueue(agent: Agent): QueueSnapshot {
  return {
    pending: new Map(
      agent.store
        .pending(Number.MAX_SAFE_INTEGER)
        .map((entry) => [entry.name, `${JSON.stringify(entry.value)} #${entry.seq}`]),
    ),
    deadLetters: new Map(agent.deadLetters().map((letter) => [letter.name, JSON.stringify(letter.value)])),
  };
}

/** How `after` differs from `before`, or undefined when the queue is exactly as it was. */
export function queueChange(before: QueueSnapshot, after: QueueSnapshot): string | undefined {
  for (const [part, was, now] of [
    ['pending', before.pending, after.pending],
    ['dead letters', before.deadLetters, after.deadLetters],
  ] as const) {
    for (const [name, value] of was) {
      if (!now.has(name)) return `${part}: "${name}" disappeared`;
      if (now.get(name) !== value) return `${part}: "${name}" changed from ${value} to ${now.get(name)}`;
    }
    for (const name of now.keys()) if (!was.has(name)) return `${part}: "${name}" appeared`;
  }
  return undefined;
}

/**
 * Which seeded value is gone from `queue` (a snapshotQueue), or undefined when all are there: pending values still pending with
 * their value, refused ones still refused (unless `deadLettersMayMove`: an accepted retry or
 * discard, which a person asked for). Names in `touched` were named by the case itself.
 */
export function seededLoss(
  { pending, deadLetters }: QueueSnapshot,
  options: { deadLettersMayMove?: boolean; touched?: (name: string) => boolean } = {},
): string | undefined {
  for (const [name, value] of Object.entries(SEEDED_PENDING)) {
    if (options.touched?.(name)) continue;
    const now = pending.get(name);
    if (now === undefined) return `the seeded pending value "${name}" is no longer pending`;
    if (!now.startsWith(`${JSON.stringify(value)} #`)) return `the seeded pending value "${name}" changed to ${now}`;
  }
  if (options.deadLettersMayMove) return undefined;
  for (const [name, value] of Object.entries(SEEDED_DEAD_LETTERS)) {
    if (options.touched?.(name)) continue;
    if (deadLetters.get(name) !== JSON.stringify(value))
      return `the seeded refused value "${name}" is no longer kept (now ${deadLetters.get(name) ?? 'absent'})`;
  }
  return undefined;
}
