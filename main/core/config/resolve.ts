// Resolving the configuration from its layers, highest first (DESIGN.md): enforced policy, the
// vendor file, command-line flags, environment variables, user settings, built-in defaults.
// Every value remembers where it came from. Each layer is read and checked in layers.ts; which
// files are read, and from where, is load.ts; the vendor-only keys (initial variables,
// collectors, ...) ride along.
import { loadCaFile } from './ca-file.js';
import type { VariableValue } from '../../../shared/wire.js';
import type { CollectorChoice } from '../collectors/catalog.js';
import {
  BUILT_IN_DEFAULTS,
  CONFIG_KEY_NAMES,
  defaultDataDir,
  isSecret,
  secretPartsOf,
  shownValue,
  type ConfigKey,
  type ConfigValues,
} from './keys.js';
import { ConfigError, type ConfigLayer, type LayerName } from './layers.js';

export {
  ConfigError,
  envLayer,
  fileLayer,
  flagLayer,
  fromText,
  objectLayer,
  setLayerValue,
  settingsFileLayer,
  type ConfigLayer,
  type LayerName,
  type SettingsFileKind,
} from './layers.js';

const PRECEDENCE: LayerName[] = ['policy', 'vendor-file', 'flag', 'env', 'user-settings', 'default'];

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
