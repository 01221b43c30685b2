// One way to run the agent, for both shells (the tray app's main/app/agent-setup.ts and
// `varsync run`): the built-in demo when asked for and nothing is configured, the agent with its
// sync engine, the vendor's collectors and the demo's activity; one close() stops them all, and a
// failure to start closes what was opened before it is thrown.
import { Agent, NotConfiguredError } from './agent.js';
import { serverSettingsProblem, type ResolvedConfig } from './config/resolve.js';
import type { HttpTransport } from './api/transport.js';
import type { Demo } from './demo.js';
import type { Logger } from './log.js';

export interface AgentRuntimeOptions {
  config: ResolvedConfig;
  /** Run the built-in demo (a License API emulator in this process) when nothing is configured. */
  demoWhenUnconfigured: boolean;
  /** The log for the configuration that runs (the demo's, when the demo runs). */
  logger(config: ResolvedConfig): Logger;
  /** Said once the log exists, before the agent opens: the shell's notices, and the demo's banner if it runs. */
  announce?(log: Logger, demoBanner: string | undefined): void;
  readMachineId?: () => string | undefined;
  /** How the agent reaches the License API (the app: the session's net.fetch); default: Node's. */
  transport?: (config: ResolvedConfig, log: Logger) => Promise<HttpTransport>;
  /** The log folder (the agent's activity view reads the attempts' lines from it). */
  logDir?: string;
  /** The environment a `system` proxy setting reads; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** A better-sqlite3 binary built for this runtime (Electron's ABI differs from Node's). */
  sqliteNativeBinding?: string;
}

export interface AgentRuntime {
  agent: Agent;
  /** The configuration that runs: the demo's when the demo runs. */
  config: ResolvedConfig;
  log: Logger;
  /** Stop the collectors and the demo's activity, the engine, the database and the demo's emulator. */
  close(): Promise<void>;
  /** The same without waiting for a pass in flight, for when the process ends on return (Windows session end). */
  closeNow(): void;
}

/** Resolve the demo, open the agent, start its sync engine and collectors. */
export async function startAgentRuntime(options: AgentRuntimeOptions): Promise<AgentRuntime> {
  let config = options.config;
  // Loaded only when it runs: the demo carries the whole emulator.
  const demo: Demo | undefined =
    options.demoWhenUnconfigured && !config.configured
      ? await (await import('./demo.js')).startDemo(config)
      : undefined;
  if (demo) config = demo.config;

  let agent: Agent | undefined;
  let log: Logger;
  try {
    log = options.logger(config);
    options.announce?.(log, demo?.banner);
    const problem = serverSettingsProblem(config);
    if (problem) throw new NotConfiguredError(problem);
    const transport = await options.transport?.(config, log);
    agent = Agent.open({
      config,
      log,
      demo: demo !== undefined,
      readMachineId: options.readMachineId,
      env: options.env,
      transport,
      logDir: options.logDir,
      sqliteNativeBinding: options.sqliteNativeBinding,
    });
    // Refuses a database that cannot be written.
    agent.startEngine();
  } catch (error) {
    await agent?.close();
    await demo?.close();
    throw error;
  }
  const running = agent;
  // Loaded once the first pass is scheduled: nothing before it needs them (start-up, docs/BENCHMARKS.md).
  const { startCollectors } = await import('./collectors/collectors.js');
  const collectors = startCollectors({ agent: running, config, log });
  demo?.startActivity(running);
  return {
    agent: running,
    config,
    log,
    close: async () => {
      collectors.stop();
      demo?.stopActivity();
      await running.close();
      await demo?.close();
    },
    closeNow: () => {
      collectors.stop();
      demo?.stopActivity();
      running.closeNow();
    },
  };
}
