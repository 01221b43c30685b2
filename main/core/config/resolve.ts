// Resolving the configuration from its layers, highest first (DESIGN.md): enforced policy, the
// vendor file, command-line flags, environment variables, user settings, built-in defaults.
// Every value remembers where it came from; a bad file or value stops start-up with a message
// that names the file (or variable, or flag), the key and the problem. Which files are read, and
// from where, is load.ts; the vendor-only keys (initial variables, collectors, ...) ride along.
import { loadCaFile } from './ca-file.js';
import { readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { ZodMiniType } from 'zod/mini';
import { oneLine } from '../../../shared/one-line.js';
import type { VariableValue } from '../../../shared/wire.js';
import type { CollectorChoice } from '../collectors/catalog.js';
import {
  BUILT_IN_DEFAULTS,
  CONFIG_KEYS,
  CONFIG_KEY_NAMES,
  defaultDataDir,
  isSecret,
  secretPartsOf,
  shownValue,
  VENDOR_KEYS,
  VENDOR_KEY_NAMES,
  type ConfigKey,
  type ConfigValues,
  type VendorKey,
  type VendorValues,
} from './keys.js';
import { failureCode } from '../failure-code.js';

export type LayerName = 'policy' | 'vendor-file' | 'flag' | 'env' | 'user-settings' | 'default';
const PRECEDENCE: LayerName[] = ['policy', 'vendor-file', 'flag', 'env', 'user-settings', 'default'];

/** One layer's raw values, already typed, and how to name where each came from. */
export interface ConfigLayer {
  layer: LayerName;
  values: Partial<Record<ConfigKey, unknown>>;
  /** Vendor-only keys (vendor files and policy only). */
  vendor?: Partial<VendorValues>;
  /** Where a key's value came from, for `varsync config` ("env VARSYNC_PRODUCT", "file /etc/... (product)"). */
  describe(key: ConfigKey | VendorKey): string;
}

export type ResolvedValues = Partial<ConfigValues> &
  Pick<
    ConfigValues,
    | 'dataDir'
    | 'apiUrl'
    | 'batchSize'
    | 'syncIntervalSeconds'
    | 'retryBaseMs'
    | 'retryMaxMs'
    | 'recheckSeconds'
    | 'requestTimeoutMs'
    | 'debounceMs'
    | 'fleetSpreadSeconds'
    | 'logLevel'
  >;

/** The vendor-only keys after resolution; `variables` is merged name by name, the highest layer winning. */
export interface ResolvedVendor {
  variables: Record<string, VariableValue>;
  collectors?: CollectorChoice[];
  appVersion?: string;
  launchAtLogin?: boolean;
  /** Where each came from, by key ('collectors', 'appVersion', 'launchAtLogin') and by 'variables.NAME'. */
  sources: Record<string, string>;
}

/** A configuration file that was looked for, for `varsync config` and support. */
export interface ConfigFileReport {
  kind: 'policy' | 'vendor';
  /** A path, or the registry key. */
  path: string;
  found: boolean;
}

export interface ResolvedConfig {
  values: ResolvedValues;
  sources: Partial<Record<ConfigKey, string>>;
  vendor: ResolvedVendor;
  /** True when a product is configured by anything but the built-in defaults. */
  configured: boolean;
  /**
   * Things to tell the user, one line each, start-up going on: a flag or environment variable
   * that policy or the vendor file overrides, a secret store whose permissions were repaired.
   */
  notices: string[];
  /** Every secret value any layer holds (used or not), for the logs' and diagnostics' redaction. */
  secretValues: string[];
  /** The policy and vendor files looked for (empty when nothing was discovered). */
  files: ConfigFileReport[];
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

export function resolveConfig(layers: ConfigLayer[], env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const defaults: ConfigLayer = {
    layer: 'default',
    values: { ...BUILT_IN_DEFAULTS, dataDir: defaultDataDir(env) },
    describe: () => 'default',
  };
  // A stable sort: within a layer, the order given is the order of precedence.
  const ordered = [...layers, defaults].sort((a, b) => PRECEDENCE.indexOf(a.layer) - PRECEDENCE.indexOf(b.layer));
  const values: Partial<Record<ConfigKey, unknown>> = {};
  const sources: Partial<Record<ConfigKey, string>> = {};
  const notices: string[] = [];
  for (const key of CONFIG_KEY_NAMES) {
    const layer = ordered.find((candidate) => candidate.values[key] !== undefined);
    if (!layer) continue;
    values[key] = layer.values[key];
    sources[key] = layer.describe(key);
    notices.push(...overridden(key, layer, ordered));
  }
  const resolved = values as ResolvedValues;
  if (resolved.retryMaxMs < resolved.retryBaseMs) {
    throw new ConfigError(
      `retryMaxMs (${sources.retryMaxMs}) must not be smaller than retryBaseMs (${sources.retryBaseMs}).`,
    );
  }
  if (resolved.caFile !== undefined) {
    const loaded = loadCaFile(resolved.caFile);
    if ('problem' in loaded) throw new ConfigError(`${loaded.problem} Set by ${sources.caFile}.`);
  }
  const secretValues = new Set<string>();
  for (const layer of ordered) {
    for (const key of CONFIG_KEY_NAMES)
      for (const part of secretPartsOf(key, layer.values[key])) secretValues.add(part);
  }
  return {
    values: resolved,
    sources,
    vendor: resolveVendor(ordered),
    configured: resolved.product !== undefined,
    notices,
    secretValues: [...secretValues],
    files: [],
  };
}

/**
 * A flag or environment variable that loses to policy or the vendor file with a different value:
 * one line naming the key, what was given and what wins (secrets' values are never shown).
 */
function overridden(key: ConfigKey, winner: ConfigLayer, ordered: ConfigLayer[]): string[] {
  if (winner.layer !== 'policy' && winner.layer !== 'vendor-file') return [];
  const winning = JSON.stringify(winner.values[key]);
  const show = (value: unknown) => (isSecret(key) ? '' : ` (${JSON.stringify(shownValue(key, value))})`);
  return ordered
    .filter(
      (layer) =>
        (layer.layer === 'flag' || layer.layer === 'env') &&
        layer.values[key] !== undefined &&
        JSON.stringify(layer.values[key]) !== winning,
    )
    .map(
      (layer) =>
        `${key}: ${layer.describe(key)}${show(layer.values[key])} is ignored; ` +
        `${winner.layer === 'policy' ? 'enforced by ' : 'set by '}${winner.describe(key)}${show(winner.values[key])}.`,
    );
}

function resolveVendor(ordered: ConfigLayer[]): ResolvedVendor {
  const vendor: ResolvedVendor = { variables: {}, sources: {} };
  // Lowest first, so that higher layers overwrite, variable by variable.
  for (const layer of [...ordered].reverse()) {
    const own = layer.vendor;
    if (!own) continue;
    for (const [name, value] of Object.entries(own.variables ?? {})) {
      Object.defineProperty(vendor.variables, name, { value, enumerable: true, writable: true, configurable: true }); // "__proto__" too
      vendor.sources[`variables.${name}`] = layer.describe('variables');
    }
    for (const key of ['collectors', 'appVersion', 'launchAtLogin'] as const) {
      if (own[key] === undefined) continue;
      (vendor as unknown as Record<string, unknown>)[key] = own[key];
      vendor.sources[key] = layer.describe(key);
    }
  }
  return vendor;
}

/** What talking to the server needs; the message lists everything missing at once. */
export function serverSettingsProblem(config: ResolvedConfig): string | undefined {
  const v = config.values;
  const missing: string[] = [];
  if (!v.product) missing.push('the product (VARSYNC_PRODUCT)');
  if (!v.licenseKey && !v.username)
    missing.push('a license key (VARSYNC_LICENSE_KEY) or a username (VARSYNC_USERNAME)');
  const hmac = v.apiKey !== undefined || v.sharedKey !== undefined;
  const oauth = v.clientId !== undefined || v.clientSecret !== undefined;
  if (hmac && oauth) return 'Configure either an API key and shared key, or an OAuth client id and secret, not both.';
  if (!hmac && !oauth)
    missing.push(
      'credentials: VARSYNC_API_KEY with VARSYNC_SHARED_KEY, or VARSYNC_CLIENT_ID with VARSYNC_CLIENT_SECRET',
    );
  else if (hmac && (!v.apiKey || !v.sharedKey))
    missing.push(v.apiKey ? 'the shared key (VARSYNC_SHARED_KEY)' : 'the API key (VARSYNC_API_KEY)');
  else if (oauth && (!v.clientId || !v.clientSecret))
    missing.push(v.clientId ? 'the client secret (VARSYNC_CLIENT_SECRET)' : 'the client id (VARSYNC_CLIENT_ID)');
  return missing.length === 0 ? undefined : `Varsync is not fully configured: missing ${missing.join('; ')}.`;
}

/** Each key with its value (secrets redacted) and source, for `varsync config`. */
export function describeConfig(config: ResolvedConfig): Array<{ key: ConfigKey; value: unknown; source: string }> {
  return CONFIG_KEY_NAMES.filter((key) => config.values[key] !== undefined).map((key) => ({
    key,
    value: shownValue(key, config.values[key]),
    source: config.sources[key] ?? 'default',
  }));
}

/** The vendor-only settings with their sources, for `varsync config` (variables one by one). */
export function describeVendorSettings(config: ResolvedConfig): Array<{ key: string; value: unknown; source: string }> {
  const vendor = config.vendor;
  const entries: Array<{ key: string; value: unknown; source: string }> = [];
  for (const key of ['appVersion', 'collectors', 'launchAtLogin'] as const) {
    if (vendor[key] !== undefined) entries.push({ key, value: vendor[key], source: vendor.sources[key] ?? 'default' });
  }
  for (const [name, value] of Object.entries(vendor.variables)) {
    entries.push({ key: `variables.${name}`, value, source: vendor.sources[`variables.${name}`] ?? 'default' });
  }
  return entries;
}

function isConfigKey(key: string): key is ConfigKey {
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
