// What every `varsync` command is given and returns (its exit code), and the plumbing they share:
// the agent opened for one command, its quiet logger, and what never goes into a log line.
import { Agent } from '../core/agent.js';
import type { PassOutcome } from '../core/sync/engine.js';
import type { ResolvedConfig } from '../core/config/resolve.js';
import { readOsMachineId } from '../core/identity/hardware-id.js';
import type { Logger, LogLevel } from '../core/log.js';
import { openLog, type OpenLogOptions } from '../core/log/agent-log.js';
import { sensitiveValues } from '../core/log/redaction.js';

export const EXIT = { ok: 0, failure: 1, badInput: 2, held: 3, pending: 4 } as const;

export interface CommandContext {
  options: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** Resolve the configuration (layers from flags, environment and file). */
  config(): ResolvedConfig;
  out(text: string): void;
  err(text: string): void;
  /** The process environment (the log folder's place depends on it). */
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal: Promise<string>;
  /** Overrides for tests. */
  readMachineId?: () => string | undefined;
  /** A better-sqlite3 binary built for Electron (the desktop app's CLI mode from a checkout). */
  sqliteNativeBinding?: string;
}

export interface Command {
  summary: string;
  usage: string;
  details?: string;
  options: Record<string, 'string' | 'boolean'>;
  run(context: CommandContext): Promise<number>;
}

/** Exit code of a sync pass: 0 drained, 3 held by a problem a person must fix, 4 still pending. */
export function exitCodeFor(outcome: PassOutcome): number {
  if (outcome === 'drained') return EXIT.ok;
  if (outcome === 'held') return EXIT.held;
  return EXIT.pending;
}

/** What never goes into a log line: the configuration's secrets and the raw machine ID (read only if a line is written). */
export function logSecrets(context: CommandContext, config: ResolvedConfig): OpenLogOptions['secrets'] {
  return () => sensitiveValues(config, (context.readMachineId ?? readOsMachineId)());
}

function oneShotLogger(context: CommandContext, config: ResolvedConfig): Logger {
  // Short commands stay quiet unless a log level was asked for explicitly, and write no log file.
  const level: LogLevel = config.sources.logLevel === 'default' ? 'warn' : config.values.logLevel;
  return openLog({ level, echo: context.err, secrets: logSecrets(context, config) }).logger;
}

/** The agent for a short command: quiet unless asked, no log file, no engine. */
export function openAgent(context: CommandContext, config: ResolvedConfig): Agent {
  return Agent.open({
    config,
    log: oneShotLogger(context, config),
    readMachineId: context.readMachineId,
    env: context.env,
    sqliteNativeBinding: context.sqliteNativeBinding,
  });
}

/** Run `use` with the agent open, and close it after. */
export async function withAgent<T>(context: CommandContext, use: (agent: Agent) => Promise<T> | T): Promise<T> {
  const agent = openAgent(context, context.config());
  try {
    return await use(agent);
  } finally {
    await agent.close();
  }
}

export const json = (value: unknown) => JSON.stringify(value, null, 2);
