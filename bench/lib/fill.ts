// Many names at once: queueing them on an agent, having the emulator confirm them, and checking
// that the server holds what was set. Shared by the benchmarks that need thousands of variables.
import type { Agent } from '../../main/core/agent.js';
import type { Emulator } from '../../emulator/index.js';
import { LICENSE } from './setup.js';
import { msSince } from './stats.js';

/** Names per `agent.set` call: one transaction each, so 10,000 names take 10 commits, not 10,000. */
const NAMES_PER_SET = 1_000;

export const manyName = (index: number): string => `var-${index}`;

/** Queue `count` names, `value(index)` each; returns the time it took in ms. */
export function queueNames(agent: Agent, count: number, value: (index: number) => string | number): number {
  const started = process.hrtime.bigint();
  for (let first = 0; first < count; first += NAMES_PER_SET) {
    const batch: Record<string, string | number> = {};
    for (let index = first; index < Math.min(count, first + NAMES_PER_SET); index++)
      batch[manyName(index)] = value(index);
    const outcome = agent.set(batch);
    if (outcome.queued.length !== Object.keys(batch).length)
      throw new Error(`queued ${outcome.queued.length} of ${Object.keys(batch).length} names`);
  }
  return msSince(started);
}

/** Fail unless the emulator holds, for this device, every name with the value set last. */
export function checkServerHolds(
  emulator: Emulator,
  hardwareId: string,
  count: number,
  value: (index: number) => string | number,
): void {
  const held = emulator.state.variablesOf(LICENSE.product, hardwareId);
  for (let index = 0; index < count; index++) {
    const got = held[manyName(index)];
    if (got !== value(index))
      throw new Error(`the server holds ${manyName(index)}=${String(got)}, expected ${String(value(index))}`);
  }
}

/**
 * Give an agent (configured for `emulator`, engine not started) `count` confirmed variables:
 * activate the device, queue them all, and drain them in one sync pass.
 */
export async function confirmNames(
  agent: Agent,
  emulator: Emulator,
  hardwareId: string,
  count: number,
  value: (index: number) => string | number,
): Promise<void> {
  await agent.activate();
  queueNames(agent, count, value);
  const result = await agent.syncNow();
  if (result.outcome !== 'drained' || result.status.pending !== 0) {
    throw new Error(
      `confirming ${count} names ended ${result.outcome} with ${result.status.pending} pending (${result.status.lastError?.code ?? 'no error'})`,
    );
  }
  checkServerHolds(emulator, hardwareId, count, value);
}
