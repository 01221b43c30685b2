// Enforced policy: the machine-wide varsync.policy.json and, on Windows, the Group Policy key
// HKLM\SOFTWARE\Policies\Varsync. It beats every other layer; a flag or variable that conflicts
// is reported in one line naming the key, the policy source and the flag, and the policy value is
// used. The registry is read through `reg export` (UTF-16); its file is parsed here from captured samples.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/built-cli.js';
import { loadConfig, POLICY_FILE_NAME, VENDOR_FILE_NAME, type ConfigLocations } from '../../main/core/config/load.js';
import {
  decodeRegExport,
  parseRegExport,
  parseRegQueryOutput,
  registryPolicyLayer,
} from '../../main/core/config/registry-policy.js';
import { ConfigError, objectLayer } from '../../main/core/config/resolve.js';
import { tempDir } from '../helpers/agent.js';

// `reg query HKLM\SOFTWARE\Policies\Varsync /reg:64` on Windows 11 (CRLF, 4-space columns, a
// default value, a subkey listed after the values).
const REG_QUERY_OUTPUT = [
  '',
  'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Varsync',
  '    (Default)    REG_SZ    ignored',
  '    ApiUrl    REG_SZ    https://licensing.example.com',
  '    product    REG_SZ    acme-cad',
  '    BatchSize    REG_DWORD    0x32',
  '    AutoActivate    REG_DWORD    0x0',
  '    Collectors    REG_MULTI_SZ    os\\0cpu\\0memory',
  '    DataDir    REG_EXPAND_SZ    %ProgramData%\\Varsync\\data',
  '    RetryMaxMs    REG_SZ    600000',
  '    HardwareId    REG_SZ    ACME-HW-1',
  '',
  'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Varsync\\Later',
  '    product    REG_SZ    from-a-subkey-never-read',
  '',
].join('\r\n');

// `reg export HKLM\SOFTWARE\Policies\Varsync FILE /y /reg:64` on Windows 11 (a UTF-16LE file with a
// byte-order mark, CRLF; hexadecimal data wrapped at 80 columns), with text reg query would mangle:
// accents, CJK, quotes and a backslash, a REG_EXPAND_SZ and a REG_MULTI_SZ in UTF-16 bytes.
const REG_EXPORT = [
  'Windows Registry Editor Version 5.00',
  '',
  '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Varsync]',
  '@="ignored"',
  '"ApiUrl"="https://licensing.example.com"',
  '"product"="société-générale-cad"',
  '"HardwareId"="机器-7 \\"Ü\\" \\\\ end"',
  '"BatchSize"=dword:00000032',
  '"AutoActivate"=dword:00000000',
  '"Collectors"=hex(7):6f,00,73,00,00,00,63,00,70,00,75,00,00,00,6d,00,65,00,6d,\\',
  '  00,6f,00,72,00,79,00,00,00,00,00',
  '"DataDir"=hex(2):25,00,50,00,72,00,6f,00,67,00,72,00,61,00,6d,00,44,00,61,00,\\',
  '  74,00,61,00,25,00,5c,00,44,00,6f,00,6e,00,6e,00,e9,00,65,00,73,00,5c,00,70,\\',
  '  65,6e,63,00,00',
  '"RetryMaxMs"=hex(b):c0,27,09,00,00,00,00,00',
  '',
  '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Varsync\\Later]',
  '"product"="from-a-subkey-never-read"',
  '',
  '',
].join('\r\n');

/** The file as reg.exe writes it. */
const REG_EXPORT_FILE = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(REG_EXPORT, 'utf16le')]);

function machine(policy?: unknown, vendor?: unknown) {
  const root = tempDir('varsync-policy-');
  const machineDir = join(root, 'machine');
  mkdirSync(machineDir);
  if (policy !== undefined)
    writeFileSync(join(machineDir, POLICY_FILE_NAME), typeof policy === 'string' ? policy : JSON.stringify(policy));
  if (vendor !== undefined) writeFileSync(join(machineDir, VENDOR_FILE_NAME), JSON.stringify(vendor));
  return {
    root,
    machineDir,
    policyFile: join(machineDir, POLICY_FILE_NAME),
    dataDir: join(root, 'data'),
    locations: { appDirs: [], machineDir } as ConfigLocations,
  };
}

describe('registry export file', () => {
  it('is read losslessly: UTF-16 text with accents, CJK, quotes and backslashes; numbers; lists; expanded paths', () => {
    const text = decodeRegExport(REG_EXPORT_FILE);
    expect(text).toBe(REG_EXPORT);
    expect(parseRegExport(text, { ProgramData: 'C:\\ProgramData' })).toEqual([
      { name: 'ApiUrl', type: 'REG_SZ', data: 'https://licensing.example.com' },
      { name: 'product', type: 'REG_SZ', data: 'société-générale-cad' },
      { name: 'HardwareId', type: 'REG_SZ', data: '机器-7 "Ü" \\ end' },
      { name: 'BatchSize', type: 'REG_DWORD', data: 50 },
      { name: 'AutoActivate', type: 'REG_DWORD', data: 0 },
      { name: 'Collectors', type: 'REG_MULTI_SZ', data: ['os', 'cpu', 'memory'] },
      { name: 'DataDir', type: 'REG_EXPAND_SZ', data: 'C:\\ProgramData\\Données\\数据' },
      { name: 'RetryMaxMs', type: 'REG_QWORD', data: 600000 },
    ]);
    // The same values through the policy layer, whole.
    const layer = registryPolicyLayer(parseRegExport(text, { ProgramData: 'C:\\ProgramData' }));
    expect(layer.values).toMatchObject({
      product: 'société-générale-cad',
      hardwareId: '机器-7 "Ü" \\ end',
      dataDir: 'C:\\ProgramData\\Données\\数据',
      batchSize: 50,
      autoActivate: false,
    });
  });

  it('refuses a type it cannot use, naming the value', () => {
    const file = ['[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Varsync]', '"ApiKey"=hex:0a,0b', ''].join('\r\n');
    expect(() => parseRegExport(file)).toThrow(/value "ApiKey" is REG_BINARY; use REG_SZ, REG_DWORD/);
  });

  it('reads a UTF-8 file too, and an empty key as no values', () => {
    expect(parseRegExport(decodeRegExport(Buffer.from(REG_EXPORT, 'utf8')))).toHaveLength(8);
    expect(
      parseRegExport(
        'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Varsync]\r\n',
      ),
    ).toEqual([]);
  });
});

describe('registry output', () => {
  it('parses the values of the key itself, typed', () => {
    expect(parseRegQueryOutput(REG_QUERY_OUTPUT, { ProgramData: 'C:\\ProgramData' })).toEqual([
      { name: 'ApiUrl', type: 'REG_SZ', data: 'https://licensing.example.com' },
      { name: 'product', type: 'REG_SZ', data: 'acme-cad' },
      { name: 'BatchSize', type: 'REG_DWORD', data: 50 },
      { name: 'AutoActivate', type: 'REG_DWORD', data: 0 },
      { name: 'Collectors', type: 'REG_MULTI_SZ', data: ['os', 'cpu', 'memory'] },
      { name: 'DataDir', type: 'REG_EXPAND_SZ', data: 'C:\\ProgramData\\Varsync\\data' },
      { name: 'RetryMaxMs', type: 'REG_SZ', data: '600000' },
      { name: 'HardwareId', type: 'REG_SZ', data: 'ACME-HW-1' },
    ]);
  });

  it('handles LF endings, empty values, names with spaces, QWORDs; refuses binary data', () => {
    const output =
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Varsync\n    Bundle Code    REG_SZ    \n    Big    REG_QWORD    0x100000000\n    Empty    REG_MULTI_SZ\n';
    expect(parseRegQueryOutput(output)).toEqual([
      { name: 'Bundle Code', type: 'REG_SZ', data: '' },
      { name: 'Big', type: 'REG_QWORD', data: 4294967296 },
      { name: 'Empty', type: 'REG_MULTI_SZ', data: [] },
    ]);
    expect(() =>
      parseRegQueryOutput('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Varsync\n    ApiKey    REG_BINARY    0A0B\n'),
    ).toThrow(
      'policy registry HKLM\\SOFTWARE\\Policies\\Varsync: value "ApiKey" is REG_BINARY; use REG_SZ, REG_DWORD or (for lists) REG_MULTI_SZ.',
    );
    expect(parseRegQueryOutput('')).toEqual([]);
  });

  it('becomes the policy layer: names in any case, DWORD 0/1 as false/true, text read like the environment', () => {
    const layer = registryPolicyLayer(parseRegQueryOutput(REG_QUERY_OUTPUT, { ProgramData: 'C:\\ProgramData' }));
    expect(layer.layer).toBe('policy');
    expect(layer.values).toEqual({
      apiUrl: 'https://licensing.example.com',
      product: 'acme-cad',
      batchSize: 50,
      autoActivate: false,
      dataDir: 'C:\\ProgramData\\Varsync\\data',
      retryMaxMs: 600000,
      hardwareId: 'ACME-HW-1',
    });
    expect(layer.vendor).toEqual({ collectors: ['os', 'cpu', 'memory'] });
    expect(layer.describe('batchSize')).toBe('policy registry HKLM\\SOFTWARE\\Policies\\Varsync\\BatchSize');
    expect(registryPolicyLayer([{ name: 'Collectors', type: 'REG_SZ', data: 'os, disk' }]).vendor).toEqual({
      collectors: ['os', 'disk'],
    });
  });

  it('an unknown value or a bad one stops start-up, naming the value', () => {
    expect(() => registryPolicyLayer([{ name: 'Prodcut', type: 'REG_SZ', data: 'x' }])).toThrow(
      'policy registry HKLM\\SOFTWARE\\Policies\\Varsync: value "Prodcut" is not a setting',
    );
    expect(() => registryPolicyLayer([{ name: 'BatchSize', type: 'REG_DWORD', data: 5000 }])).toThrow(
      /^policy registry HKLM\\SOFTWARE\\Policies\\Varsync: key "batchSize": .*1000/,
    );
    expect(() => registryPolicyLayer([{ name: 'Variables', type: 'REG_SZ', data: 'x' }])).toThrow(
      /key "variables": cannot be enforced by policy/,
    );
  });

  it('is read only when a reader is given (Windows), above the policy file', () => {
    const { dataDir, locations } = machine({ product: 'from-file', logLevel: 'debug' });
    let reads = 0;
    const config = loadConfig({
      env: { VARSYNC_DATA_DIR: dataDir },
      locations: { ...locations, readRegistry: () => (reads++, decodeRegExport(REG_EXPORT_FILE)) },
    });
    expect(reads).toBe(1);
    expect(config.values).toMatchObject({ product: 'société-générale-cad', logLevel: 'debug', batchSize: 50 });
    expect(config.sources.product).toBe('policy registry HKLM\\SOFTWARE\\Policies\\Varsync\\product');
    expect(config.sources.logLevel).toMatch(/^policy file .*varsync\.policy\.json \(logLevel\)$/);
    expect(config.files[0]).toEqual({ kind: 'policy', path: 'HKLM\\SOFTWARE\\Policies\\Varsync', found: true });
    const absent = loadConfig({
      env: { VARSYNC_DATA_DIR: dataDir },
      locations: { ...locations, readRegistry: () => undefined },
    });
    expect(absent.files[0]).toEqual({ kind: 'policy', path: 'HKLM\\SOFTWARE\\Policies\\Varsync', found: false });
  });
});

describe('the policy file', () => {
  it('beats everything: vendor files, flags, environment, user settings, defaults', () => {
    const { root, dataDir, locations, policyFile } = machine(
      { product: 'policy', batchSize: 11, apiUrl: 'https://policy.example.com', logLevel: 'warn' },
      { product: 'machine-vendor' },
    );
    const named = join(root, 'named.json');
    writeFileSync(named, JSON.stringify({ product: 'named', batchSize: 22 }));
    const config = loadConfig({
      env: { VARSYNC_DATA_DIR: dataDir, VARSYNC_PRODUCT: 'env', VARSYNC_API_URL: 'https://env.example.com' },
      flags: { product: 'flag', 'log-level': 'debug' },
      explicitFile: named,
      userSettings: objectLayer('user-settings', { product: 'user', logLevel: 'error' }, 'user settings'),
      locations,
    });
    expect(config.values).toMatchObject({
      product: 'policy',
      batchSize: 11,
      apiUrl: 'https://policy.example.com',
      logLevel: 'warn',
    });
    for (const key of ['product', 'batchSize', 'apiUrl', 'logLevel'] as const)
      expect(config.sources[key]).toBe(`policy file ${policyFile} (${key})`);
  });

  it('a conflicting flag or variable is reported in one line naming the key, the policy source and the flag', () => {
    const { dataDir, locations, policyFile } = machine({
      product: 'policy',
      logLevel: 'warn',
      licenseKey: 'POLICY-KEY-1',
    });
    const config = loadConfig({
      env: { VARSYNC_DATA_DIR: dataDir, VARSYNC_PRODUCT: 'policy', VARSYNC_LICENSE_KEY: 'ENV-KEY-2' },
      flags: { product: 'mine', 'log-level': 'warn' },
      locations,
    });
    expect(config.values.product).toBe('policy');
    expect(config.notices).toEqual([
      `product: flag --product ("mine") is ignored; enforced by policy file ${policyFile} (product) ("policy").`,
      `licenseKey: env VARSYNC_LICENSE_KEY is ignored; enforced by policy file ${policyFile} (licenseKey).`,
    ]);
    // Secrets' values are never in a notice, and both count as secrets for redaction.
    expect(config.notices.join('\n')).not.toMatch(/POLICY-KEY-1|ENV-KEY-2/);
    expect(config.secretValues).toEqual(expect.arrayContaining(['POLICY-KEY-1', 'ENV-KEY-2']));
  });

  it('the command prints the conflict on stderr and goes on with the policy value; varsync config names the policy', async () => {
    const { dataDir, locations, policyFile } = machine({ product: 'policy-product', batchSize: 25 });
    let stdout = '';
    let stderr = '';
    const io = {
      out: (text: string) => (stdout += `${text}\n`),
      err: (text: string) => (stderr += `${text}\n`),
      env: { VARSYNC_DATA_DIR: dataDir },
      stopSignal: new Promise<string>(() => {}),
      locations,
    };
    expect(await runCli(['config', '--json', '--batch-size', '40'], io)).toBe(0);
    expect(stderr).toBe(
      `varsync: note: batchSize: flag --batch-size (40) is ignored; enforced by policy file ${policyFile} (batchSize) (25).\n`,
    );
    const shown = JSON.parse(stdout);
    expect(shown.batchSize).toEqual({ value: 25, source: `policy file ${policyFile} (batchSize)` });
    expect(shown.product).toEqual({ value: 'policy-product', source: `policy file ${policyFile} (product)` });
  });

  it('may enforce collectors, not the vendor-only keys that are the vendor’s to choose', () => {
    const ok = machine({ collectors: ['os'] }, { collectors: ['standard', 'hostname'] });
    expect(loadConfig({ env: { VARSYNC_DATA_DIR: ok.dataDir }, locations: ok.locations }).vendor.collectors).toEqual([
      'os',
    ]);
    for (const key of ['variables', 'appVersion', 'launchAtLogin']) {
      const value = key === 'variables' ? { a: 1 } : key === 'appVersion' ? '1.0' : true;
      const bad = machine({ [key]: value });
      expect(() => loadConfig({ env: { VARSYNC_DATA_DIR: bad.dataDir }, locations: bad.locations })).toThrow(
        `policy file ${bad.policyFile}: key "${key}": cannot be enforced by policy; put it in the vendor file (varsync.vendor.json).`,
      );
    }
  });

  it.each([
    ['a syntax error', '{ product: x }', /^policy file .*varsync\.policy\.json: not valid JSON/],
    ['an unknown key', { enforce: true }, /^policy file .*: key "enforce" is not a setting/],
    ['a wrong type', { autoActivate: 'sometimes' }, /^policy file .*: key "autoActivate": .*boolean/],
  ])('a bad policy file stops start-up: %s', (_what, content, message) => {
    const { dataDir, locations } = machine(content);
    expect(() => loadConfig({ env: { VARSYNC_DATA_DIR: dataDir }, locations })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { VARSYNC_DATA_DIR: dataDir }, locations })).toThrow(message);
  });

  it.skipIf(process.platform === 'win32')('one that every user may change is no policy: refused', () => {
    const { dataDir, locations, policyFile } = machine({ product: 'p' });
    chmodSync(policyFile, 0o666);
    expect(() => loadConfig({ env: { VARSYNC_DATA_DIR: dataDir }, locations })).toThrow(
      `policy file ${policyFile}: every user may change it, so it cannot be enforced; make it writable by its owner only (chmod o-w).`,
    );
    chmodSync(policyFile, 0o644);
    expect(loadConfig({ env: { VARSYNC_DATA_DIR: dataDir }, locations }).values.product).toBe('p');
  });
});
