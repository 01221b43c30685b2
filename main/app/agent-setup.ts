// The agent the shell runs: configured like the `varsync` command (environment, the vendor file
// named by VARSYNC_CONFIG) plus the user's settings; when nothing is configured, the built-in
// demo (a License API emulator in this process), so the window has something to show. The data
// folder is the configuration's (the same default as the command line, so `varsync set` from a
// vendor's installer reaches the tray app's outbox).
import { Agent, NotConfiguredError } from '../core/agent.js';
import { envLayer, fileLayer, resolveConfig, serverSettingsProblem, type ConfigLayer, type ResolvedConfig } from '../core/config/resolve.js';
import type { Logger, LogLevel } from '../core/log.js';
import { startDemo } from '../cli/demo.js';

export interface RunningAgent {
  agent: Agent;
  config: ResolvedConfig;
  /** Stop the engine, close the database, and stop the demo's emulator if there is one. */
  close(): Promise<void>;
}

export interface AgentSetupOptions {
  env: NodeJS.ProcessEnv;
  /** The user settings' configuration layer. */
  userSettings: ConfigLayer;
  /** A logger at the configuration's level. */
  logger(level: LogLevel): Logger;
  /** A better-sqlite3 binary built for Electron, when node_modules holds Node's. */
  sqliteNativeBinding?: string;
}

/** The configuration's layers, highest first: the vendor file, the environment, the user's settings. */
export function appConfig(env: NodeJS.ProcessEnv, userSettings: ConfigLayer): ResolvedConfig {
  const layers: ConfigLayer[] = [envLayer(env), userSettings];
  if (env.VARSYNC_CONFIG) layers.push(fileLayer(env.VARSYNC_CONFIG));
  return resolveConfig(layers, env);
}

/** Resolve the configuration (or start the demo), open the agent and start its sync engine. */
export async function setupAgent(options: AgentSetupOptions): Promise<RunningAgent> {
  let config = appConfig(options.env, options.userSettings);
  const demo = config.configured ? undefined : await startDemo(config);
  if (demo) config = demo.config;
  const log = options.logger(config.values.logLevel);
  if (demo) for (const line of demo.banner.split('\n')) log.warn(line);

  let agent: Agent;
  try {
    const problem = serverSettingsProblem(config);
    if (problem) throw new NotConfiguredError(problem);
    agent = Agent.open({ config, log, demo: demo !== undefined, sqliteNativeBinding: options.sqliteNativeBinding });
    agent.startEngine();
  } catch (error) {
    await demo?.close();
    throw error;
  }
  demo?.startActivity(agent);
  log.info(`agent running (pid ${process.pid}, data folder ${config.values.dataDir})`);
  return {
    agent,
    config,
    close: async () => {
      demo?.stopActivity();
      await agent.close();
      await demo?.close();
    },
  };
}
