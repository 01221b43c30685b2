// Windows Group Policy: the values under HKLM\SOFTWARE\Policies\Varsync are enforced settings,
// above the policy file. They are read with `reg query` (the only subprocess the configuration
// starts, and only on Windows); the output is parsed by a pure function, tested with captured
// output on every platform.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  CONFIG_KEYS,
  CONFIG_KEY_NAMES,
  VENDOR_KEYS,
  VENDOR_KEY_NAMES,
  type ConfigKey,
  type VendorKey,
} from './keys.js';
import { ConfigError, fromText, setLayerValue, type ConfigLayer } from './resolve.js';

export const POLICY_REGISTRY_KEY = 'HKLM\\SOFTWARE\\Policies\\Varsync';
const POLICY_REGISTRY_TITLE = `policy registry ${POLICY_REGISTRY_KEY}`;

export type RegistryData = string | number | string[];

export interface RegistryValue {
  name: string;
  type: string;
  data: RegistryData;
}

// "    Name    REG_TYPE    data" (data may be absent for an empty value). Names may contain spaces.
const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

/**
 * The values of the first key in `reg query KEY` output. Subkeys (lines naming another key) and
 * the unnamed default value are ignored. REG_DWORD and REG_QWORD become numbers, REG_MULTI_SZ a
 * list, REG_EXPAND_SZ is expanded with `env`. Other types (REG_BINARY, ...) are refused.
 */
export function parseRegQueryOutput(output: string, env: NodeJS.ProcessEnv = {}): RegistryValue[] {
  const values: RegistryValue[] = [];
  let keysSeen = 0;
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (!line.startsWith(' ')) {
      keysSeen++; // "HKEY_LOCAL_MACHINE\..." starts the key's values, or (later) names a subkey
      continue;
    }
    if (keysSeen !== 1) continue;
    const match = VALUE_LINE.exec(line);
    if (!match) continue;
    const [, name, type, text = ''] = match as unknown as [string, string, string, string | undefined];
    if (/^\(.*\)$/.test(name)) continue; // "(Default)", localized
    values.push({ name, type, data: registryData(name, type, text, env) });
  }
  return values;
}

function registryData(name: string, type: string, text: string, env: NodeJS.ProcessEnv): RegistryData {
  switch (type) {
    case 'REG_SZ':
      return text;
    case 'REG_EXPAND_SZ':
      return text.replace(/%([^%]+)%/g, (whole, variable: string) => env[variable] ?? whole);
    case 'REG_MULTI_SZ':
      return text === '' ? [] : text.split('\\0').filter((item) => item !== '');
    case 'REG_DWORD':
    case 'REG_QWORD': {
      const number = Number.parseInt(text, 16);
      if (!/^0x[0-9a-f]+$/i.test(text) || !Number.isSafeInteger(number)) {
        throw new ConfigError(`${POLICY_REGISTRY_TITLE}: value "${name}": cannot read ${type} data "${text}".`);
      }
      return number;
    }
    default:
      throw new ConfigError(
        `${POLICY_REGISTRY_TITLE}: value "${name}" is ${type}; use REG_SZ, REG_DWORD or (for lists) REG_MULTI_SZ.`,
      );
  }
}

/**
 * The policy layer from the registry's values. Value names are the vendor file's keys, in any
 * case (`ApiUrl` or `apiUrl`). Text is read like an environment variable (numbers, true/false);
 * a REG_DWORD 0 or 1 is false or true for on/off settings; `collectors` takes a REG_MULTI_SZ or
 * a comma-separated REG_SZ. An unknown name or a bad value stops start-up, naming the value.
 */
export function registryPolicyLayer(values: RegistryValue[]): ConfigLayer {
  const layer: ConfigLayer = {
    layer: 'policy',
    values: {},
    vendor: {},
    describe: (key) => `policy registry ${POLICY_REGISTRY_KEY}\\${registryNames.get(key) ?? key}`,
  };
  const registryNames = new Map<string, string>();
  const byLowerName = new Map<string, ConfigKey | VendorKey>(
    [...CONFIG_KEY_NAMES, ...VENDOR_KEY_NAMES].map((key) => [key.toLowerCase(), key]),
  );
  for (const { name, data } of values) {
    const key = byLowerName.get(name.toLowerCase());
    if (!key)
      throw new ConfigError(
        `${POLICY_REGISTRY_TITLE}: value "${name}" is not a setting; the names are the vendor file's keys (apiUrl, product, ...).`,
      );
    registryNames.set(key, name);
    setLayerValue(layer, key, typedRegistryValue(key, data), POLICY_REGISTRY_TITLE, true);
  }
  return layer;
}

function typedRegistryValue(key: ConfigKey | VendorKey, data: RegistryData): unknown {
  if (key === 'collectors')
    return typeof data === 'string'
      ? data
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '')
      : data;
  if (Object.hasOwn(VENDOR_KEYS, key)) return data;
  const configKey = key as ConfigKey;
  if (typeof data === 'string') return fromText(configKey, data);
  if (typeof data === 'number' && CONFIG_KEYS[configKey].schema.safeParse(true).success && (data === 0 || data === 1))
    return data === 1;
  return data;
}

/** Windows' reg.exe, by its full path (never found through PATH). */
export function regExePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.SystemRoot ?? 'C:\\Windows', 'System32', 'reg.exe');
}

/** What runs `reg query` (tests and other platforms pass their own). */
export type RegistryReader = () => string | undefined;

/**
 * `reg query HKLM\SOFTWARE\Policies\Varsync /reg:64`, by its full path (never through PATH).
 * Exit status 1 means the key does not exist: no policy. Anything else that keeps reg from
 * answering stops start-up: running without a policy the administrator set would be wrong.
 */
export function windowsRegistryReader(env: NodeJS.ProcessEnv = process.env): RegistryReader {
  const reg = regExePath(env);
  return () => {
    try {
      return execFileSync(reg, ['query', POLICY_REGISTRY_KEY, '/reg:64'], {
        encoding: 'utf8',
        timeout: 10_000,
        windowsHide: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { status?: number | null };
      if (failure.status === 1) return undefined;
      throw new ConfigError(
        `${POLICY_REGISTRY_TITLE}: cannot be read (${failure.code ?? `exit ${failure.status ?? '?'}`}); check that ${reg} can run.`,
      );
    }
  };
}
