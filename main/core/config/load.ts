// The whole configuration as an entry point (the `varsync` command, the daemon, the Electron
// shell) loads it: enforced policy (Windows registry, then the machine-wide policy file), vendor
// files (the one named by --config or VARSYNC_CONFIG, the machine-wide one, the one beside the
// application), flags, environment, user settings, defaults; and the secrets a vendor file
// handed over earlier, from the secret store. Every place is passed in, so tests never read the
// machine's own folders.
import { readFileSync } from 'node:fs';
import { join, posix, resolve as resolvePath, win32 } from 'node:path';
import {
  SECRET_KEYS,
  secretStoreFor,
  type SecretKey,
  type SecretStore,
  type StoredSecrets,
} from '../secrets/secret-store.js';
import type { ConfigKey } from './keys.js';
import {
  parseRegExport,
  POLICY_REGISTRY_KEY,
  registryPolicyLayer,
  windowsRegistryReader,
  type RegistryReader,
} from './registry-policy.js';
import {
  envLayer,
  flagLayer,
  resolveConfig,
  settingsFileLayer,
  type ConfigFileReport,
  type ConfigLayer,
  type ResolvedConfig,
  type SettingsFileKind,
} from './resolve.js';
import { failureCode } from '../failure-code.js';

export const VENDOR_FILE_NAME = 'varsync.vendor.json';
export const POLICY_FILE_NAME = 'varsync.policy.json';

/** Where to look for vendor and policy files. Tests pass temporary folders. */
export interface ConfigLocations {
  /** Folders that ship with the application (its resources, its executable's folder), highest first. */
  appDirs: string[];
  /** The machine-wide folder, writable by administrators only: varsync.policy.json and varsync.vendor.json. */
  machineDir?: string;
  /** Windows: `reg export` of the Group Policy key, as text (undefined when the key does not exist). */
  readRegistry?: RegistryReader;
  /** How files are read (tests simulate unreadable ones). */
  readText?: (path: string) => string;
}

/** %ProgramData%\Varsync, /Library/Application Support/Varsync, /etc/varsync. */
export function machineConfigDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (platform === 'win32') return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Varsync');
  if (platform === 'darwin') return posix.join('/Library', 'Application Support', 'Varsync');
  return '/etc/varsync';
}

/** The real places on this machine, given the application's own folders. */
export function systemConfigLocations(
  appDirs: string[],
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): ConfigLocations {
  return {
    appDirs,
    machineDir: machineConfigDir(platform, env),
    readRegistry: platform === 'win32' ? windowsRegistryReader(env) : undefined,
  };
}

export interface ConfigInputs {
  env: NodeJS.ProcessEnv;
  /** Configuration flags (`{ product: 'x' }` for --product x). */
  flags?: Record<string, string>;
  /** --config FILE or VARSYNC_CONFIG: a vendor file named explicitly (it must exist). */
  explicitFile?: string;
  userSettings?: ConfigLayer;
  /** Where to discover vendor and policy files; none: only the explicit file. */
  locations?: ConfigLocations;
  /** The secret store of a data folder; default: the owner-only file in it. */
  secretStore?: (dataDir: string, onNotice: (line: string) => void) => SecretStore;
}

/**
 * Resolve every layer. A bad policy or vendor file stops start-up (ConfigError naming the file,
 * the key and the problem), whether it was named or discovered: running with part of the
 * vendor's or administrator's configuration (or falling back to the demo) would be worse than not
 * running, and nothing already queued is touched. A missing discovered file is simply absent.
 */
export function loadConfig(inputs: ConfigInputs): ResolvedConfig {
  const locations = inputs.locations;
  const read = locations?.readText ?? ((path: string) => readFileSync(path, 'utf8'));
  const files: ConfigFileReport[] = [];
  const layers: ConfigLayer[] = [];
  const discover = (path: string, kind: SettingsFileKind) => {
    const layer = discoveredFile(path, kind, read);
    files.push({ kind: kind === 'policy' ? 'policy' : 'vendor', path, found: layer !== undefined });
    if (layer) layers.push(layer);
  };

  if (locations?.readRegistry) {
    const output = locations.readRegistry();
    files.push({ kind: 'policy', path: POLICY_REGISTRY_KEY, found: output !== undefined });
    if (output !== undefined) layers.push(registryPolicyLayer(parseRegExport(output, inputs.env)));
  }
  if (locations?.machineDir) discover(join(locations.machineDir, POLICY_FILE_NAME), 'policy');
  if (inputs.explicitFile) {
    const path = resolvePath(inputs.explicitFile);
    layers.push(settingsFileLayer(path, 'config', read));
    files.push({ kind: 'vendor', path, found: true });
  }
  if (locations?.machineDir) discover(join(locations.machineDir, VENDOR_FILE_NAME), 'vendor');
  for (const dir of locations?.appDirs ?? []) discover(join(dir, VENDOR_FILE_NAME), 'vendor');
  if (inputs.flags) layers.push(flagLayer(inputs.flags));
  layers.push(envLayer(inputs.env));
  if (inputs.userSettings) layers.push(inputs.userSettings);

  const first = resolveConfig(layers, inputs.env);
  const notices: string[] = [];
  const openStore = inputs.secretStore ?? ((dataDir, onNotice) => secretStoreFor(dataDir, { onNotice }));
  const store = openStore(first.values.dataDir, (line) => notices.push(line));
  const stored = keepSecrets(layers, store, notices);
  const config = stored.layer ? resolveConfig([...layers, stored.layer], inputs.env) : first;
  const secretValues = new Set([...config.secretValues, ...stored.values]);
  return { ...config, notices: [...config.notices, ...notices], secretValues: [...secretValues], files };
}

/** A discovered file, or undefined when there is none; any other problem is a ConfigError. */
function discoveredFile(path: string, kind: SettingsFileKind, read: (path: string) => string): ConfigLayer | undefined {
  let text: string | undefined;
  let failure: unknown;
  try {
    text = read(path);
  } catch (error) {
    const code = failureCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    failure = error;
  }
  return settingsFileLayer(path, kind, () => {
    if (failure !== undefined) throw failure;
    return text!;
  });
}

/**
 * A stored secret becomes stale when the files now configure the other way of doing the same
 * thing (OAuth instead of HMAC, a user instead of a license key): it is dropped then.
 */
const STALE_WHEN_FILES_SET: Record<SecretKey, ConfigKey[]> = {
  sharedKey: ['clientId', 'clientSecret', 'tokenUrl'],
  clientSecret: ['apiKey', 'sharedKey'],
  licenseKey: ['username', 'password'],
  password: ['licenseKey'],
};

/**
 * Secrets that policy or vendor files hold are copied into the secret store (file and key
 * remembered), so that an installer or administrator may remove them from the file after the
 * first start. A stored secret is used, at the vendor file's rank, for a key that no file sets
 * any more. Failing to write the store is reported, not fatal: the file still has the secret.
 */
function keepSecrets(
  layers: ConfigLayer[],
  store: SecretStore,
  notices: string[],
): { layer: ConfigLayer | undefined; values: string[] } {
  const vendorLayers = layers.filter((layer) => layer.layer === 'policy' || layer.layer === 'vendor-file');
  const fromFiles: StoredSecrets = {};
  for (const key of SECRET_KEYS) {
    const layer = vendorLayers.find((candidate) => candidate.values[key] !== undefined);
    if (layer) fromFiles[key] = { value: layer.values[key] as string, from: layer.describe(key) };
  }
  const stored = store.read();
  const filesSet = (key: ConfigKey) => vendorLayers.some((layer) => layer.values[key] !== undefined);
  const next: StoredSecrets = {};
  for (const key of SECRET_KEYS) {
    const entry = fromFiles[key] ?? stored[key];
    if (entry && (fromFiles[key] || !STALE_WHEN_FILES_SET[key].some(filesSet))) next[key] = entry;
  }
  if (JSON.stringify(next) !== JSON.stringify(stored)) {
    try {
      store.write(next);
    } catch (error) {
      notices.push(
        `secret store ${store.description}: cannot be written (${failureCode(error) ?? (error as Error).message}); the secrets stay only in the vendor file.`,
      );
    }
  }
  const values = Object.values(next).map((entry) => entry.value);
  const fromStore = SECRET_KEYS.filter((key) => next[key] && !fromFiles[key]);
  if (fromStore.length === 0) return { layer: undefined, values };
  return {
    values,
    layer: {
      layer: 'vendor-file',
      values: Object.fromEntries(fromStore.map((key) => [key, next[key]!.value])),
      describe: (key) =>
        `secret store ${store.description} (imported from ${next[key as SecretKey]?.from ?? 'a vendor file'})`,
    },
  };
}
