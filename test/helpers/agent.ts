// Fixtures for agent tests: a temporary data folder, a configuration pointing at an emulator.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoAgentSettings, type Emulator } from '../../emulator/index.js';
import { objectLayer, resolveConfig, type ResolvedConfig } from '../../main/core/config/resolve.js';
import type { Agent, AgentStatus } from '../../main/core/agent.js';

export function tempDir(prefix = 'varsync-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Fast timings, so that retries and re-checks happen within a test. */
export const FAST_TIMINGS = {
  retryBaseMs: 20,
  retryMaxMs: 200,
  recheckSeconds: 1,
  debounceMs: 20,
  syncIntervalSeconds: 60,
  requestTimeoutMs: 2_000,
};

export function emulatorConfig(
  emulator: Emulator,
  dataDir: string,
  extra: Record<string, unknown> = {},
): ResolvedConfig {
  return resolveConfig([
    objectLayer('flag', { ...demoAgentSettings(emulator), dataDir, ...FAST_TIMINGS, ...extra }, 'test'),
  ]);
}

/**
 * Wait until a condition holds (polling), or fail with what was last seen. The default wait stays
 * under the test timeout (20 s) but is long enough for a loaded machine: it only costs time on failure.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    last = await probe();
  }
  return last;
}

/**
 * The first status that passes `accept`, read at the moment of each change the agent announces.
 * For passing states (a failure between retries): polling can miss a window of a few milliseconds,
 * an announcement cannot.
 */
export function statusWhen(
  agent: Agent,
  accept: (status: AgentStatus) => boolean,
  timeoutMs = 15_000,
): Promise<AgentStatus> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const status = agent.status();
      if (!accept(status)) return;
      clearTimeout(timer);
      agent.off('change', check);
      resolve(status);
    };
    const timer = setTimeout(() => {
      agent.off('change', check);
      reject(new Error(`no such status announced in ${timeoutMs} ms; last: ${JSON.stringify(agent.status())}`));
    }, timeoutMs);
    agent.on('change', check);
    check();
  });
}
