// Running the collectors a vendor switched on: at start and then daily, each time handing the
// values to the agent's set(), which queues only what differs from the pending or confirmed
// value. So an unchanged fact is never sent again, a changed one once.
import { systemClock, type Clock } from '../../../shared/clock.js';
import type { VariableValue } from '../../../shared/wire.js';
import type { SetOutcome } from '../store/variable-store.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { silentLogger, type Logger } from '../log.js';
import { enabledCollectors } from './catalog.js';
import { collectFacts, defaultSystemSources, VARSYNC_VERSION, type SystemSources } from './system-facts.js';

export const COLLECT_INTERVAL_MS = 24 * 60 * 60 * 1000;

export interface CollectorOptions {
  /** Where values go: the agent (its set() validates and skips unchanged values). */
  agent: { set(variables: Record<string, VariableValue>): SetOutcome };
  config: ResolvedConfig;
  log?: Logger;
  sources?: SystemSources;
  clock?: Clock;
  intervalMs?: number;
  varsyncVersion?: string;
}

export interface RunningCollectors {
  /** Collect now (also done at start and every interval); returns the names queued. */
  refresh(): string[];
  stop(): void;
}

/** Start the configured collectors; with none configured, nothing runs. */
export function startCollectors(options: CollectorOptions): RunningCollectors {
  const enabled = enabledCollectors(options.config.vendor.collectors);
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const context = {
    sources: options.sources ?? defaultSystemSources(),
    dataDir: options.config.values.dataDir,
    varsyncVersion: options.varsyncVersion ?? VARSYNC_VERSION,
    appVersion: options.config.vendor.appVersion,
  };
  const refresh = (): string[] => {
    const { values, problems } = collectFacts(enabled, context);
    for (const problem of problems) log.warn(`collector ${problem}`);
    if (Object.keys(values).length === 0) return [];
    try {
      const { queued } = options.agent.set(values);
      if (queued.length > 0) log.info(`collectors queued ${queued.join(', ')}`);
      return queued;
    } catch (error) {
      log.error(`collectors: ${(error as Error).message}`);
      return [];
    }
  };
  if (enabled.length === 0) return { refresh, stop() {} };
  log.info(`collectors on: ${enabled.join(', ')}`);
  refresh();
  const handle = clock.setInterval(refresh, options.intervalMs ?? COLLECT_INTERVAL_MS);
  return { refresh, stop: () => clock.clearInterval(handle) };
}
