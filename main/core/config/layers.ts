// The configuration's layers, each read and checked on its own: a vendor or policy file, VARSYNC_*
// variables, command-line flags, an object (user settings, the Windows registry's policy). A bad
// file or value is a ConfigError that names the file (or variable, or flag), the key and the
// problem. How the layers combine is resolve.ts.
import { readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { ZodMiniType } from 'zod/mini';
import { oneLine } from '../../../shared/one-line.js';
import {
  CONFIG_KEYS,
  CONFIG_KEY_NAMES,
  isSecret,
  shownValue,
  VENDOR_KEYS,
  VENDOR_KEY_NAMES,
  type ConfigKey,
  type VendorKey,
  type VendorValues,
} from './keys.js';
import { failureCode } from '../failure-code.js';

export type LayerName = 'policy' | 'vendor-file' | 'flag' | 'env' | 'user-settings' | 'default';

/** One layer's raw values, already typed, and how to name where each came from. */
export interface ConfigLayer {
  layer: LayerName;
  values: Partial<Record<ConfigKey, unknown>>;
  /** Vendor-only keys (vendor files and policy only). */
  vendor?: Partial<VendorValues>;
  /** Where a key's value came from, for `varsync config` ("env VARSYNC_PRODUCT", "file /etc/... (product)"). */
  describe(key: ConfigKey | VendorKey): string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(message: string) {
    // Messages quote what files and variables hold: keep them one line whatever that was.
    super(oneLine(message));
  }
}

/** How a settings file is named in messages and sources. */
export type SettingsFileKind = 'config' | 'vendor' | 'policy';

const FILE_TITLES: Record<SettingsFileKind, string> = {
  config: 'config file',
  vendor: 'vendor file',
  policy: 'policy file',
};

/** The file named by --config or VARSYNC_CONFIG: the vendor's configuration. */
export function fileLayer(path: string): ConfigLayer {
  return settingsFileLayer(path, 'config');
}

/**
 * A vendor file (`config`: named by --config or VARSYNC_CONFIG; `vendor`: found in a vendor
 * folder) or a policy file. Any problem (unreadable, not JSON, unknown key, wrong type) is a
 * ConfigError naming the file, the key and the problem. `readText` is for tests.
 */
export function settingsFileLayer(
  path: string,
  kind: SettingsFileKind,
  readText: (path: string) => string = (file) => readFileSync(file, 'utf8'),
): ConfigLayer {
  const absolute = resolvePath(path);
  const title = `${FILE_TITLES[kind]} ${absolute}`;
  let text: string;
  try {
    text = readText(absolute);
  } catch (error) {
    const code = failureCode(error) ?? 'error';
    throw new ConfigError(`${title}: cannot be read (${code}); check the path and its permissions.`);
  }
  if (kind === 'policy') checkPolicyFilePermissions(absolute, title);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`${title}: not valid JSON (${(error as Error).message}).`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${title}: must hold a JSON object of settings.`);
  }
  const layer: ConfigLayer = {
    layer: kind === 'policy' ? 'policy' : 'vendor-file',
    values: {},
    vendor: {},
    describe: (key) => (kind === 'policy' ? `policy file ${absolute} (${key})` : `file ${absolute} (${key})`),
  };
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '$schema' || key === '$comment') continue;
    setLayerValue(layer, key, value, title, kind === 'policy');
  }
  return layer;
}

/**
 * Put one key of a vendor file or policy into its layer, checked. Unknown keys, vendor-only keys
 * that a policy cannot enforce and bad values are ConfigErrors naming `title` (the file) and the key.
 */
export function setLayerValue(layer: ConfigLayer, key: string, value: unknown, title: string, policy: boolean): void {
  const where = `${title}: key "${key}"`;
  if (isConfigKey(key)) {
    layer.values[key] = checked(key, value, where);
    return;
  }
  if (isVendorKey(key)) {
    if (policy && !VENDOR_KEYS[key].policy)
      throw new ConfigError(`${where}: cannot be enforced by policy; put it in the vendor file (varsync.vendor.json).`);
    (layer.vendor ??= {} as Partial<VendorValues>)[key] = checkedVendor(key, value, where) as never;
    return;
  }
  throw new ConfigError(`${where} is not a setting; ${suggest(key, true)}`);
}

/** A policy file anyone may change is no policy: refuse it (POSIX; Windows uses ACLs). */
function checkPolicyFilePermissions(path: string, title: string): void {
  if (process.platform === 'win32') return;
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return; // it was just read; a vanished file fails on its next read
  }
  if ((mode & 0o002) !== 0) {
    throw new ConfigError(
      `${title}: every user may change it, so it cannot be enforced; make it writable by its owner only (chmod o-w).`,
    );
  }
}

/** VARSYNC_* variables. An unknown VARSYNC_ name is refused: it is almost always a typo. */
export function envLayer(env: NodeJS.ProcessEnv): ConfigLayer {
  const byEnv = new Map(CONFIG_KEY_NAMES.map((key) => [CONFIG_KEYS[key].env as string, key]));
  const values: Partial<Record<ConfigKey, unknown>> = {};
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith('VARSYNC_') || name === 'VARSYNC_CONFIG' || text === undefined || text === '') continue;
    const key = byEnv.get(name);
    if (!key) throw new ConfigError(`environment variable ${name} is not a Varsync setting; ${knownEnvNames()}`);
    values[key] = checked(key, fromText(key, text), `environment variable ${name}`);
  }
  return { layer: 'env', values, describe: (key) => `env ${CONFIG_KEYS[key as ConfigKey].env}` };
}

/** Command-line flags, as `--flag value` text already split by the CLI. */
export function flagLayer(flags: Record<string, string>): ConfigLayer {
  const byFlag = new Map<string, ConfigKey>();
  for (const key of CONFIG_KEY_NAMES) {
    const spec = CONFIG_KEYS[key];
    if ('flag' in spec) byFlag.set(spec.flag, key);
  }
  const values: Partial<Record<ConfigKey, unknown>> = {};
  for (const [flag, text] of Object.entries(flags)) {
    const key = byFlag.get(flag);
    if (!key) throw new ConfigError(`--${flag} is not an option; run with --help to see the options.`);
    values[key] = checked(key, fromText(key, text), `--${flag}`);
  }
  return {
    layer: 'flag',
    values,
    describe: (key) => `flag --${(CONFIG_KEYS[key as ConfigKey] as { flag?: string }).flag}`,
  };
}

/** A layer given as an object (user settings, policy): same checks as a file. */
export function objectLayer(layer: LayerName, values: Record<string, unknown>, where: string): ConfigLayer {
  const typed: Partial<Record<ConfigKey, unknown>> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!isConfigKey(key)) throw new ConfigError(`${where}: key "${key}" is not a setting; ${suggest(key, false)}`);
    typed[key] = checked(key, value, `${where}: key "${key}"`);
  }
  return { layer, values: typed, describe: () => where };
}

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, key);
}

function isVendorKey(key: string): key is VendorKey {
  return Object.hasOwn(VENDOR_KEYS, key);
}

function checkedVendor(key: VendorKey, value: unknown, where: string): unknown {
  const result = (VENDOR_KEYS[key].schema as ZodMiniType).safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new ConfigError(`${where}${at}: ${issue?.message ?? 'invalid value'}.`);
}

function checked(key: ConfigKey, value: unknown, where: string): unknown {
  const result = (CONFIG_KEYS[key].schema as ZodMiniType).safeParse(value);
  if (result.success) return result.data;
  const shown = isSecret(key) ? '' : ` (got ${JSON.stringify(shownValue(key, value))})`;
  throw new ConfigError(`${where}: ${result.error.issues[0]?.message ?? 'invalid value'}${shown}.`);
}

/** Text from the environment or a flag, turned into the key's type. */
export function fromText(key: ConfigKey, text: string): unknown {
  const probe = CONFIG_KEYS[key].schema as ZodMiniType;
  if (probe.safeParse(0).success || probe.safeParse(1).success) {
    const number = Number(text);
    return text.trim() === '' || !Number.isFinite(number) ? text : number;
  }
  if (probe.safeParse(true).success) {
    const lowered = text.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(lowered)) return true;
    if (['0', 'false', 'no', 'off'].includes(lowered)) return false;
  }
  return text;
}

function suggest(key: string, vendorKeysToo: boolean): string {
  const names: string[] = vendorKeysToo ? [...CONFIG_KEY_NAMES, ...VENDOR_KEY_NAMES] : CONFIG_KEY_NAMES;
  const close = names.find((candidate) => candidate.toLowerCase() === key.toLowerCase().replace(/[_-]/g, ''));
  return close ? `did you mean "${close}"?` : `the settings are: ${names.join(', ')}.`;
}

function knownEnvNames(): string {
  const known = CONFIG_KEY_NAMES.map((key) => CONFIG_KEYS[key].env as string);
  return `the variables are: ${[...known, 'VARSYNC_CONFIG'].join(', ')}.`;
}
