// Windows Group Policy: the values under HKLM\SOFTWARE\Policies\Varsync are enforced settings,
// above the policy file. They are read with `reg export` to a file (the only subprocess the
// configuration starts, and only on Windows): reg.exe writes that file in UTF-16, so a value with
// accents or CJK characters arrives whole, where `reg query` would pass it through the console's
// code page. The file is parsed by a pure function, tested with captured output on every platform.
// (`reg query` output is parsed too, for the machine GUID: hexadecimal, never mangled.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
      throw unsupportedType(name, type);
  }
}

function unsupportedType(name: string, type: string): ConfigError {
  return new ConfigError(
    `${POLICY_REGISTRY_TITLE}: value "${name}" is ${type}; use REG_SZ, REG_DWORD or (for lists) REG_MULTI_SZ.`,
  );
}

/** The text of a `reg export` file: UTF-16LE with its byte-order mark (what reg.exe writes), else UTF-8. */
export function decodeRegExport(file: Buffer): string {
  if (file[0] === 0xff && file[1] === 0xfe) return file.subarray(2).toString('utf16le');
  return file.toString('utf8').replace(/^\uFEFF/, '');
}

// `"Name"=data` or `@=data` (the default value); names and strings escape \ and ".
const EXPORT_VALUE = /^(?:@|"((?:[^"\\]|\\.)*)")=(.*)$/;
const EXPORT_TYPES: Record<string, string> = {
  'hex(2)': 'REG_EXPAND_SZ',
  'hex(7)': 'REG_MULTI_SZ',
  'hex(b)': 'REG_QWORD',
  hex: 'REG_BINARY',
  'hex(0)': 'REG_NONE',
  'hex(1)': 'REG_SZ',
};

/**
 * The values of the first key in a `reg export` file (the text of decodeRegExport), as
 * parseRegQueryOutput gives them: subkeys and the default value are ignored; REG_DWORD and
 * REG_QWORD become numbers, REG_MULTI_SZ a list, REG_EXPAND_SZ is expanded with `env`; other
 * types are refused.
 */
export function parseRegExport(text: string, env: NodeJS.ProcessEnv = {}): RegistryValue[] {
  const values: RegistryValue[] = [];
  let keysSeen = 0;
  // Hexadecimal data goes on over several lines, each ending in ",\".
  for (const line of text.replace(/,\\\r?\n\s*/g, ',').split(/\r?\n/)) {
    if (line.startsWith('[')) keysSeen++;
    if (keysSeen !== 1) continue;
    const match = EXPORT_VALUE.exec(line);
    if (!match) continue;
    const [, quotedName, data] = match as unknown as [string, string | undefined, string];
    if (quotedName === undefined) continue; // @, the default value
    const name = unescapeRegString(quotedName);
    values.push(exportedValue(name, data, env));
  }
  return values;
}

function exportedValue(name: string, data: string, env: NodeJS.ProcessEnv): RegistryValue {
  if (data.startsWith('"') && data.endsWith('"'))
    return { name, type: 'REG_SZ', data: unescapeRegString(data.slice(1, -1)) };
  const dword = /^dword:([0-9a-f]{8})$/i.exec(data);
  if (dword) return { name, type: 'REG_DWORD', data: Number.parseInt(dword[1]!, 16) };
  const hex = /^(hex(?:\([0-9a-f]+\))?):([0-9a-f,]*)$/i.exec(data);
  const type = hex ? (EXPORT_TYPES[hex[1]!.toLowerCase()] ?? `REG type ${hex[1]}`) : undefined;
  if (!hex || !type) throw new ConfigError(`${POLICY_REGISTRY_TITLE}: value "${name}": cannot read its data.`);
  const bytes = Buffer.from(hex[2]!.replaceAll(',', ''), 'hex');
  const text = () => bytes.toString('utf16le');
  switch (type) {
    case 'REG_SZ':
      return { name, type, data: text().replace(/\0+$/, '') };
    case 'REG_EXPAND_SZ':
      return { name, type, data: registryData(name, type, text().replace(/\0+$/, ''), env) };
    case 'REG_MULTI_SZ':
      return {
        name,
        type,
        data: text()
          .split('\0')
          .filter((item) => item !== ''),
      };
    case 'REG_QWORD': {
      const number = bytes.length === 8 ? Number(bytes.readBigUInt64LE()) : Number.NaN;
      if (!Number.isSafeInteger(number))
        throw new ConfigError(`${POLICY_REGISTRY_TITLE}: value "${name}": cannot read REG_QWORD data "${hex[2]}".`);
      return { name, type, data: number };
    }
    default:
      throw unsupportedType(name, type);
  }
}

function unescapeRegString(text: string): string {
  return text.replace(/\\(.)/g, '$1');
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

/** What reads the policy key as `reg export` text (tests and other platforms pass their own). */
export type RegistryReader = () => string | undefined;

/**
 * `reg export HKLM\SOFTWARE\Policies\Varsync FILE /y /reg:64`, by its full path (never through
 * PATH), into a private temporary folder; returns the file's text (parseRegExport reads it).
 * Exit status 1 means the key does not exist: no policy. Anything else that keeps reg from
 * answering stops start-up: running without a policy the administrator set would be wrong.
 */
export function windowsRegistryReader(env: NodeJS.ProcessEnv = process.env): RegistryReader {
  const reg = regExePath(env);
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'varsync-policy-'));
    try {
      const file = join(dir, 'policy.reg');
      execFileSync(reg, ['export', POLICY_REGISTRY_KEY, file, '/y', '/reg:64'], {
        timeout: 10_000,
        windowsHide: true,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      return decodeRegExport(readFileSync(file));
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { status?: number | null };
      if (failure.status === 1) return undefined;
      throw new ConfigError(
        `${POLICY_REGISTRY_TITLE}: cannot be read (${failure.code ?? `exit ${failure.status ?? '?'}`}); check that ${reg} can run.`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
