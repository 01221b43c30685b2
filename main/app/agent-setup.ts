// The agent the shell runs: configured like the `varsync` command (policy, vendor files, the
// environment) plus the user's settings, with its collectors; when nothing is configured, the built-in
// demo (a License API emulator in this process), so the window has something to show. The data
// folder is the configuration's (the same default as the command line, so `varsync set` from a
// vendor's installer reaches the tray app's outbox).
import { app } from 'electron';
import { dirname } from 'node:path';
import { Agent, NotConfiguredError } from '../core/agent.js';
import { startCollectors } from '../core/collectors/collectors.js';
import type { AppSecrets } from './secrets.js';
import { loadConfig, systemConfigLocations, type ConfigInputs, type ConfigLocations } from '../core/config/load.js';
import { serverSettingsProblem, type ConfigLayer, type ResolvedConfig } from '../core/config/resolve.js';
import type { Logger, LogLevel } from '../core/log.js';
import type { HttpTransport } from '../core/api/transport.js';
import { startDemo } from '../cli/demo.js';

export interface RunningAgent {
  agent: Agent;
  config: ResolvedConfig;
  /** Stop the engine, close the database, and stop the demo's emulator if there is one. */
  close(): Promise<void>;
  /** The same without waiting for a pass in flight, for when the process ends on return (Windows session end). */
  closeNow(): void;
}

export interface AgentSetupOptions {
  env: NodeJS.ProcessEnv;
  /** The user settings' configuration layer. */
  userSettings: ConfigLayer;
  /** A logger at the configuration's level that redacts its secrets. */
  logger(level: LogLevel, config: ResolvedConfig): Logger;
  /** A better-sqlite3 binary built for Electron, when node_modules holds Node's. */
  sqliteNativeBinding?: string;
  /** Where vendor and policy files are looked for (main.ts: electronConfigLocations()); none: only VARSYNC_CONFIG. */
  locations?: ConfigLocations;
  /** safeStorage's secret store (main/app/secrets.ts); none: the owner-only file. */
  secrets?: AppSecrets;
  /** The log folder, where the window's Activity reads an attempt's lines. */
  logDir?: string;
  /** How the agent reaches the License API (main.ts: the session's net.fetch, main/app/network.ts). */
  network?: (config: ResolvedConfig, log: Logger) => Promise<HttpTransport>;
}

/** The app's places: its resources folder and its executable's folder, the machine-wide folder, the policy registry key. */
export function electronConfigLocations(): ConfigLocations {
  return systemConfigLocations(
    [process.resourcesPath, dirname(app.getPath('exe'))].filter((dir) => typeof dir === 'string' && dir !== ''),
  );
}

/** The configuration's layers, highest first: policy, vendor files, the environment, the user's settings. */
export function appConfig(
  env: NodeJS.ProcessEnv,
  userSettings: ConfigLayer,
  discovery: Pick<ConfigInputs, 'locations' | 'secretStore'> = {},
): ResolvedConfig {
  return loadConfig({
    env,
    explicitFile: env.VARSYNC_CONFIG || undefined,
    userSettings,
    locations: discovery.locations,
    secretStore: discovery.secretStore,
  });
}

/**
 * The configuration, its secrets kept by safeStorage when there is one. safeStorage answers only
 * asynchronously and the configuration reads and writes its store synchronously: a first reading
 * finds the data folder, its secrets are decrypted, the second reading uses them, and what it
 * stored is encrypted and written after.
 */
async function appConfigWithSecrets(options: AgentSetupOptions): Promise<ResolvedConfig> {
  const secrets = options.secrets;
  if (!secrets) return appConfig(options.env, options.userSettings, options);
  const { dataDir } = appConfig(options.env, options.userSettings, {
    locations: options.locations,
    secretStore: () => ({ description: 'none yet', read: () => ({}), write: () => undefined }),
  }).values;
  await secrets.prepare(dataDir);
  const config = appConfig(options.env, options.userSettings, {
    locations: options.locations,
    secretStore: (dir, onNotice) => secrets.open(dir, onNotice),
  });
  try {
    await secrets.flush();
  } catch (error) {
    config.notices.push(
      `secret store: cannot be written (${(error as Error).message}); the secrets stay only in the vendor file.`,
    );
  }
  return config;
}

/** Resolve the configuration (or start the demo), open the agent and start its sync engine. */
export async function setupAgent(options: AgentSetupOptions): Promise<RunningAgent> {
  let config = await appConfigWithSecrets(options);
  const notices = config.notices;
  const demo = config.configured ? undefined : await startDemo(config);
  if (demo) config = demo.config;
  const log = options.logger(config.values.logLevel, config);
  for (const notice of notices) log.warn(notice);
  if (demo) for (const line of demo.banner.split('\n')) log.warn(line);

  let agent: Agent | undefined;
  try {
    const problem = serverSettingsProblem(config);
    if (problem) throw new NotConfiguredError(problem);
    const transport = await options.network?.(config, log);
    agent = Agent.open({
      config,
      log,
      transport,
      demo: demo !== undefined,
      sqliteNativeBinding: options.sqliteNativeBinding,
      logDir: options.logDir,
    });
    agent.startEngine();
  } catch (error) {
    // startEngine refuses a database that cannot be written: close what was opened before saying so.
    await agent?.close();
    await demo?.close();
    throw error;
  }
  const collectors = startCollectors({ agent, config, log });
  demo?.startActivity(agent);
  log.info(`agent running (pid ${process.pid}, data folder ${config.values.dataDir})`);
  return {
    agent,
    config,
    close: async () => {
      collectors.stop();
      demo?.stopActivity();
      await agent.close();
      await demo?.close();
    },
    closeNow: () => {
      collectors.stop();
      demo?.stopActivity();
      agent.closeNow();
    },
  };
}
