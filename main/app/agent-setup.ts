// The agent the shell runs: configured like the `varsync` command (policy, vendor files, the
// environment) plus the user's settings, and started by the core's one runtime (the same as
// `varsync run`); when nothing is configured, the built-in demo (a License API emulator in this
// process), so the window has something to show. The data folder is the configuration's (the same
// default as the command line, so `varsync set` from a vendor's installer reaches the tray app's outbox).
import { app } from 'electron';
import { dirname } from 'node:path';
import type { AppSecrets } from './secrets.js';
import { loadConfig, systemConfigLocations, type ConfigInputs, type ConfigLocations } from '../core/config/load.js';
import type { ConfigLayer, ResolvedConfig } from '../core/config/resolve.js';
import type { Logger, LogLevel } from '../core/log.js';
import type { HttpTransport } from '../core/api/transport.js';
import { startAgentRuntime, type AgentRuntime } from '../core/runtime.js';

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
 * Decrypt safeStorage's secrets for the data folder the configuration names: a first reading, with
 * no secret store yet, finds the folder (the tray app and the installed command both start so).
 */
export async function prepareSecrets(
  secrets: AppSecrets,
  env: NodeJS.ProcessEnv,
  userSettings: ConfigLayer,
  locations: ConfigLocations | undefined,
): Promise<void> {
  const noStoreYet = () => ({ description: 'none yet', read: () => ({}), write: () => undefined });
  const { dataDir } = appConfig(env, userSettings, { locations, secretStore: noStoreYet }).values;
  await secrets.prepare(dataDir);
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
  await prepareSecrets(secrets, options.env, options.userSettings, options.locations);
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
export async function setupAgent(options: AgentSetupOptions): Promise<AgentRuntime> {
  const config = await appConfigWithSecrets(options);
  const running = await startAgentRuntime({
    config,
    demoWhenUnconfigured: true,
    logger: (resolved) => options.logger(resolved.values.logLevel, resolved),
    announce: (log, demoBanner) => {
      for (const notice of config.notices) log.warn(notice);
      for (const line of demoBanner?.split('\n') ?? []) log.warn(line);
    },
    transport: options.network,
    sqliteNativeBinding: options.sqliteNativeBinding,
    logDir: options.logDir,
  });
  running.log.info(`agent running (pid ${process.pid}, data folder ${running.config.values.dataDir})`);
  return running;
}
