// Resolving the configuration from its layers, highest first (DESIGN.md): enforced policy, the
// vendor file, command-line flags, environment variables, user settings, built-in defaults.
// Every value remembers where it came from; a bad file or value stops start-up with a message
// that names the file (or variable, or flag), the key and the problem.
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { z } from 'zod';
import { BUILT_IN_DEFAULTS, CONFIG_KEYS, CONFIG_KEY_NAMES, defaultDataDir, isSecret, type ConfigKey, type ConfigValues } from './keys.js';

export type LayerName = 'policy' | 'vendor-file' | 'flag' | 'env' | 'user-settings' | 'default';
const PRECEDENCE: LayerName[] = ['policy', 'vendor-file', 'flag', 'env', 'user-settings', 'default'];

/** One layer's raw values, already typed, and how to name where each came from. */
export interface ConfigLayer {
  layer: LayerName;
  values: Partial<Record<ConfigKey, unknown>>;
  /** Where a key's value came from, for `varsync config` ("env VARSYNC_PRODUCT", "file /etc/...: product"). */
  describe(key: ConfigKey): string;
}

export type ResolvedValues = Partial<ConfigValues> & Pick<ConfigValues, 'dataDir' | 'apiUrl' | 'batchSize' | 'syncIntervalSeconds' | 'retryBaseMs' | 'retryMaxMs' | 'recheckSeconds' | 'requestTimeoutMs' | 'debounceMs' | 'logLevel'>;

export interface ResolvedConfig {
  values: ResolvedValues;
  sources: Partial<Record<ConfigKey, string>>;
  /** True when a product is configured by anything but the built-in defaults. */
  configured: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The file named by --config or VARSYNC_CONFIG: the vendor's configuration. */
export function fileLayer(path: string): ConfigLayer {
  const absolute = resolvePath(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`config file ${absolute}: cannot be read (${code}); check the path and its permissions.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${absolute}: not valid JSON (${(error as Error).message}).`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${absolute}: must hold a JSON object of settings.`);
  }
  const values: Partial<Record<ConfigKey, unknown>> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '$schema' || key === '$comment') continue;
    if (!isConfigKey(key)) throw new ConfigError(`config file ${absolute}: key "${key}" is not a setting; ${suggest(key)}`);
    values[key] = checked(key, value, `config file ${absolute}: key "${key}"`);
  }
  return { layer: 'vendor-file', values, describe: (key) => `file ${absolute}` + ` (${key})` };
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
  return { layer: 'env', values, describe: (key) => `env ${CONFIG_KEYS[key].env}` };
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
  return { layer: 'flag', values, describe: (key) => `flag --${(CONFIG_KEYS[key] as { flag?: string }).flag}` };
}

/** A layer given as an object (user settings, policy): same checks as a file. */
export function objectLayer(layer: LayerName, values: Record<string, unknown>, where: string): ConfigLayer {
  const typed: Partial<Record<ConfigKey, unknown>> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!isConfigKey(key)) throw new ConfigError(`${where}: key "${key}" is not a setting; ${suggest(key)}`);
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
  const ordered = [...layers, defaults].sort((a, b) => PRECEDENCE.indexOf(a.layer) - PRECEDENCE.indexOf(b.layer));
  const values: Partial<Record<ConfigKey, unknown>> = {};
  const sources: Partial<Record<ConfigKey, string>> = {};
  for (const key of CONFIG_KEY_NAMES) {
    const layer = ordered.find((candidate) => candidate.values[key] !== undefined);
    if (!layer) continue;
    values[key] = layer.values[key];
    sources[key] = layer.describe(key);
  }
  const resolved = values as ResolvedValues;
  if (resolved.retryMaxMs < resolved.retryBaseMs) {
    throw new ConfigError(`retryMaxMs (${sources.retryMaxMs}) must not be smaller than retryBaseMs (${sources.retryBaseMs}).`);
  }
  return { values: resolved, sources, configured: resolved.product !== undefined };
}

/** What talking to the server needs; the message lists everything missing at once. */
export function serverSettingsProblem(config: ResolvedConfig): string | undefined {
  const v = config.values;
  const missing: string[] = [];
  if (!v.product) missing.push('the product (VARSYNC_PRODUCT)');
  if (!v.licenseKey && !v.username) missing.push('a license key (VARSYNC_LICENSE_KEY) or a username (VARSYNC_USERNAME)');
  const hmac = v.apiKey !== undefined || v.sharedKey !== undefined;
  const oauth = v.clientId !== undefined || v.clientSecret !== undefined;
  if (hmac && oauth) return 'Configure either an API key and shared key, or an OAuth client id and secret, not both.';
  if (!hmac && !oauth) missing.push('credentials: VARSYNC_API_KEY with VARSYNC_SHARED_KEY, or VARSYNC_CLIENT_ID with VARSYNC_CLIENT_SECRET');
  else if (hmac && (!v.apiKey || !v.sharedKey)) missing.push(v.apiKey ? 'the shared key (VARSYNC_SHARED_KEY)' : 'the API key (VARSYNC_API_KEY)');
  else if (oauth && (!v.clientId || !v.clientSecret)) missing.push(v.clientId ? 'the client secret (VARSYNC_CLIENT_SECRET)' : 'the client id (VARSYNC_CLIENT_ID)');
  return missing.length === 0 ? undefined : `Varsync is not fully configured: missing ${missing.join('; ')}.`;
}

/** Each key with its value (secrets redacted) and source, for `varsync config`. */
export function describeConfig(config: ResolvedConfig): Array<{ key: ConfigKey; value: unknown; source: string }> {
  return CONFIG_KEY_NAMES.filter((key) => config.values[key] !== undefined).map((key) => ({
    key,
    value: isSecret(key) ? '[redacted]' : config.values[key],
    source: config.sources[key] ?? 'default',
  }));
}

function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, key);
}

function checked(key: ConfigKey, value: unknown, where: string): unknown {
  const result = (CONFIG_KEYS[key].schema as z.ZodType).safeParse(value);
  if (result.success) return result.data;
  const shown = isSecret(key) ? '' : ` (got ${JSON.stringify(value)})`;
  throw new ConfigError(`${where}: ${result.error.issues[0]?.message ?? 'invalid value'}${shown}.`);
}

/** Text from the environment or a flag, turned into the key's type. */
function fromText(key: ConfigKey, text: string): unknown {
  const probe = CONFIG_KEYS[key].schema as z.ZodType;
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

function suggest(key: string): string {
  const close = CONFIG_KEY_NAMES.find((candidate) => candidate.toLowerCase() === key.toLowerCase().replace(/[_-]/g, ''));
  return close ? `did you mean "${close}"?` : `the settings are: ${CONFIG_KEY_NAMES.join(', ')}.`;
}

function knownEnvNames(): string {
  const known = CONFIG_KEY_NAMES.map((key) => CONFIG_KEYS[key].env as string);
  return `the variables are: ${[...known, 'VARSYNC_CONFIG'].join(', ')}.`;
}
