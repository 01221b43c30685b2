// The vendor file (varsync.vendor.json): discovered beside the application and in the
// machine-wide folder, or named by --config / VARSYNC_CONFIG; every layer's precedence with its
// source; every bad file stops start-up naming the file, the key and the problem; the initial
// variables are queued once. Locations are temporary folders: the machine's own are never read.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../emulator/index.js';
import { Agent } from '../../main/core/agent.js';
import {
  loadConfig,
  machineConfigDir,
  systemConfigLocations,
  VENDOR_FILE_NAME,
  type ConfigLocations,
} from '../../main/core/config/load.js';
import { ConfigError, describeVendorSettings, objectLayer } from '../../main/core/config/resolve.js';
import { META_KEYS } from '../../main/core/store/meta-keys.js';
import { tempDir } from '../helpers/agent.js';
import { varsync } from '../helpers/cli.js';

function folders() {
  const root = tempDir('varsync-vendor-');
  const appDir = join(root, 'app');
  const machineDir = join(root, 'machine');
  mkdirSync(appDir);
  mkdirSync(machineDir);
  return {
    root,
    appDir,
    machineDir,
    dataDir: join(root, 'data'),
    locations: { appDirs: [appDir], machineDir } as ConfigLocations,
  };
}

function write(path: string, content: unknown): string {
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('where vendor files are found', () => {
  it('the machine-wide folder per OS', () => {
    expect(machineConfigDir('win32', { ProgramData: 'D:\\Data' })).toBe('D:\\Data\\Varsync');
    expect(machineConfigDir('win32', {})).toBe('C:\\ProgramData\\Varsync');
    expect(machineConfigDir('darwin', {})).toBe('/Library/Application Support/Varsync');
    expect(machineConfigDir('linux', {})).toBe('/etc/varsync');
    expect(systemConfigLocations(['/opt/app'], 'linux', {})).toEqual({
      appDirs: ['/opt/app'],
      machineDir: '/etc/varsync',
      readRegistry: undefined,
    });
    expect(systemConfigLocations(['C:\\app'], 'win32', {}).readRegistry).toBeTypeOf('function');
  });

  it('beside the application and machine-wide, each value with its file as source; absent files are fine', () => {
    const { appDir, machineDir, dataDir, locations } = folders();
    expect(loadConfig({ env: { VARSYNC_DATA_DIR: dataDir }, locations }).files).toEqual([
      { kind: 'policy', path: join(machineDir, 'varsync.policy.json'), found: false },
      { kind: 'vendor', path: join(machineDir, VENDOR_FILE_NAME), found: false },
      { kind: 'vendor', path: join(appDir, VENDOR_FILE_NAME), found: false },
    ]);
    const appFile = write(join(appDir, VENDOR_FILE_NAME), {
      product: 'from-app',
      apiUrl: 'https://app.example.com',
      batchSize: 10,
    });
    const machineFile = write(join(machineDir, VENDOR_FILE_NAME), { product: 'from-machine' });
    const config = loadConfig({ env: { VARSYNC_DATA_DIR: dataDir }, locations });
    expect(config.values).toMatchObject({ product: 'from-machine', apiUrl: 'https://app.example.com', batchSize: 10 });
    expect(config.sources).toMatchObject({
      product: `file ${machineFile} (product)`,
      apiUrl: `file ${appFile} (apiUrl)`,
      dataDir: 'env VARSYNC_DATA_DIR',
    });
    expect(config.files.filter((file) => file.found).map((file) => file.path)).toEqual([machineFile, appFile]);
  });

  it('precedence of every layer, highest first: policy, vendor files (named, machine, app), flags, environment, user settings, defaults', () => {
    const { appDir, machineDir, dataDir, locations } = folders();
    const policy = write(join(machineDir, 'varsync.policy.json'), { logLevel: 'error' });
    const named = write(join(dataDir + '-named.json'), { logLevel: 'debug', product: 'named' });
    const machine = write(join(machineDir, VENDOR_FILE_NAME), {
      product: 'machine',
      bundleCode: 'machine',
      username: 'machine',
    });
    const app = write(join(appDir, VENDOR_FILE_NAME), { bundleCode: 'app', username: 'app', clientId: 'app' });
    const config = loadConfig({
      env: {
        VARSYNC_DATA_DIR: dataDir,
        VARSYNC_CLIENT_ID: 'env',
        VARSYNC_TOKEN_URL: 'https://env.example.com/token',
        VARSYNC_BATCH_SIZE: '7',
        VARSYNC_RECHECK_SECONDS: '9',
      },
      flags: { 'client-id': 'flag', 'batch-size': '8', 'license-id': '12' },
      explicitFile: named,
      userSettings: objectLayer(
        'user-settings',
        { licenseId: 99, recheckSeconds: 10, requestTimeoutMs: 5000, tokenUrl: 'https://user.example.com/token' },
        'user settings /u.json',
      ),
      locations,
    });
    expect(config.values).toMatchObject({
      logLevel: 'error', // policy over the named file
      product: 'named', // named file over the machine file
      bundleCode: 'machine', // machine file over the app file
      clientId: 'app', // app file over flag and environment
      batchSize: 8, // flag over environment
      licenseId: 12, // flag over user settings
      recheckSeconds: 9, // environment over user settings
      tokenUrl: 'https://env.example.com/token',
      requestTimeoutMs: 5000, // user settings over the default
      retryBaseMs: 1000,
    });
    expect(config.sources).toMatchObject({
      logLevel: `policy file ${policy} (logLevel)`,
      product: `file ${named} (product)`,
      bundleCode: `file ${machine} (bundleCode)`,
      clientId: `file ${app} (clientId)`,
      batchSize: 'flag --batch-size',
      licenseId: 'flag --license-id',
      recheckSeconds: 'env VARSYNC_RECHECK_SECONDS',
      requestTimeoutMs: 'user settings /u.json',
      retryBaseMs: 'default',
    });
    // A flag or variable a vendor file overrides is said, one line each.
    expect(config.notices).toEqual([
      `clientId: flag --client-id ("flag") is ignored; set by file ${app} (clientId) ("app").`,
      `clientId: env VARSYNC_CLIENT_ID ("env") is ignored; set by file ${app} (clientId) ("app").`,
    ]);
  });

  it('--config and VARSYNC_CONFIG keep working, and a named file must exist', async () => {
    const { dataDir, root } = folders();
    const file = write(join(root, 'mine.json'), { product: DEMO.product, batchSize: 42 });
    const byFlag = await varsync(['config', '--json', '--config', file], { VARSYNC_DATA_DIR: dataDir });
    expect(JSON.parse(byFlag.stdout).batchSize).toEqual({ value: 42, source: `file ${file} (batchSize)` });
    const byEnv = await varsync(['config', '--json'], { VARSYNC_DATA_DIR: dataDir, VARSYNC_CONFIG: file });
    expect(JSON.parse(byEnv.stdout).batchSize).toEqual({ value: 42, source: `file ${file} (batchSize)` });
    const missing = await varsync(['config'], { VARSYNC_DATA_DIR: dataDir, VARSYNC_CONFIG: join(root, 'nope.json') });
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toBe(
      `varsync: config file ${join(root, 'nope.json')}: cannot be read (ENOENT); check the path and its permissions.\n`,
    );
  });

  it('vendor-only keys: variables, collectors, appVersion, launchAtLogin, each with its source', () => {
    const { appDir, machineDir, dataDir, locations } = folders();
    const app = write(join(appDir, VENDOR_FILE_NAME), {
      variables: { edition: 'pro', seats: 5 },
      collectors: ['standard'],
      appVersion: '1.2.3',
      launchAtLogin: false,
    });
    const machine = write(join(machineDir, VENDOR_FILE_NAME), {
      variables: { seats: 10, site: 'HQ' },
      launchAtLogin: true,
    });
    const config = loadConfig({ env: { VARSYNC_DATA_DIR: dataDir }, locations });
    expect(config.vendor).toMatchObject({
      variables: { edition: 'pro', seats: 10, site: 'HQ' },
      collectors: ['standard'],
      appVersion: '1.2.3',
      launchAtLogin: true,
    });
    expect(describeVendorSettings(config)).toEqual([
      { key: 'appVersion', value: '1.2.3', source: `file ${app} (appVersion)` },
      { key: 'collectors', value: ['standard'], source: `file ${app} (collectors)` },
      { key: 'launchAtLogin', value: true, source: `file ${machine} (launchAtLogin)` },
      { key: 'variables.edition', value: 'pro', source: `file ${app} (variables)` },
      { key: 'variables.seats', value: 10, source: `file ${machine} (variables)` },
      { key: 'variables.site', value: 'HQ', source: `file ${machine} (variables)` },
    ]);
  });

  it('varsync config shows the vendor files, their values and what was looked for', async () => {
    const { appDir, machineDir, dataDir, locations } = folders();
    const app = write(join(appDir, VENDOR_FILE_NAME), {
      product: 'p',
      variables: { edition: 'pro' },
      collectors: ['os'],
    });
    let stdout = '';
    let stderr = '';
    const { runCli } = await import('../helpers/built-cli.js');
    const code = await runCli(['config'], {
      out: (text) => (stdout += text),
      err: (text) => (stderr += text),
      env: { VARSYNC_DATA_DIR: dataDir },
      stopSignal: new Promise(() => {}),
      locations,
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(new RegExp(`^product +p +file ${app} \\(product\\)$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^variables\\.edition +pro +file ${app} \\(variables\\)$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^collectors +\\["os"\\] +file ${app} \\(collectors\\)$`, 'm'));
    expect(stdout).toContain(
      `Looked for:\n  policy  ${join(machineDir, 'varsync.policy.json')} (not present)\n  vendor  ${join(machineDir, VENDOR_FILE_NAME)} (not present)\n  vendor  ${app}`,
    );
  });
});

describe('a bad vendor file stops start-up, naming the file, the key and the problem', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['a syntax error', '{ "product": "x", }', /^vendor file .*varsync\.vendor\.json: not valid JSON \(/],
    ['not an object', '["product"]', /^vendor file .*: must hold a JSON object of settings\.$/],
    [
      'an unknown key',
      { product: 'x', colour: 'red' },
      /^vendor file .*varsync\.vendor\.json: key "colour" is not a setting; the settings are: apiUrl, .*, variables, collectors, appVersion, launchAtLogin\.$/,
    ],
    ['a near miss', { Product: 'x' }, /: key "Product" is not a setting; did you mean "product"\?$/],
    ['a wrong type', { batchSize: '100' }, /^vendor file .*: key "batchSize": .*expected number.* \(got "100"\)\.$/],
    ['a wrong type for a secret, not echoed', { sharedKey: 12345 }, /^vendor file .*: key "sharedKey": [^(]*\.$/],
    [
      'a variable that is not a value',
      { variables: { ok: 1, bad: { nested: true } } },
      /: key "variables": "bad": a value of type object is not allowed/,
    ],
    [
      'a variable with a bad name',
      { variables: { ' lead': 1 } },
      /: key "variables": variable name " lead" starts or ends with white space/,
    ],
    [
      'an unknown collector',
      { collectors: ['os', 'gpu'] },
      /: key "collectors" at 1: Invalid option: expected one of "standard"\|"os"/,
    ],
    ['a wrong type for a vendor key', { launchAtLogin: 'yes' }, /: key "launchAtLogin": .*expected boolean/],
  ];

  it.each(bad)('%s', (_what, content, message) => {
    const { appDir, dataDir, locations } = folders();
    write(join(appDir, VENDOR_FILE_NAME), content);
    expect(() => loadConfig({ env: { VARSYNC_DATA_DIR: dataDir }, locations })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { VARSYNC_DATA_DIR: dataDir }, locations })).toThrow(message);
  });

  it('unreadable (permissions): named, with the reason', () => {
    const { appDir, dataDir, locations } = folders();
    const file = write(join(appDir, VENDOR_FILE_NAME), { product: 'x' });
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const reading: ConfigLocations = {
      ...locations,
      readText: (path) => {
        if (path === file) throw denied;
        throw Object.assign(new Error('absent'), { code: 'ENOENT' });
      },
    };
    expect(() => loadConfig({ env: { VARSYNC_DATA_DIR: dataDir }, locations: reading })).toThrow(
      `vendor file ${file}: cannot be read (EACCES); check the path and its permissions.`,
    );
  });

  it.skipIf(process.getuid?.() === 0)('unreadable for real (mode 000)', () => {
    const { appDir, dataDir, locations } = folders();
    const file = write(join(appDir, VENDOR_FILE_NAME), { product: 'x' });
    chmodSync(file, 0o000);
    expect(() => loadConfig({ env: { VARSYNC_DATA_DIR: dataDir }, locations })).toThrow(
      `vendor file ${file}: cannot be read (EACCES)`,
    );
  });

  it('the command says it in one line with exit 2, and what was queued before is kept', async () => {
    const { appDir, dataDir } = folders();
    const env = { VARSYNC_DATA_DIR: dataDir };
    expect((await varsync(['set', 'kept=1'], env)).code).toBe(0);
    const file = write(join(appDir, VENDOR_FILE_NAME), { product: 'x', batchSize: 'many' });
    const { runCli } = await import('../helpers/built-cli.js');
    let stderr = '';
    const io = {
      out: () => {},
      err: (text: string) => (stderr += `${text}\n`),
      env,
      stopSignal: new Promise<string>(() => {}),
      locations: { appDirs: [appDir] },
    };
    expect(await runCli(['set', 'more=2'], io)).toBe(2);
    expect(stderr).toBe(
      `varsync: vendor file ${file}: key "batchSize": Invalid input: expected number, received string (got "many").\n`,
    );
    const listed = await varsync(['get', '--json'], env); // the same data folder, without the broken file
    expect(
      JSON.parse(listed.stdout).map((variable: { name: string; state: string }) => [variable.name, variable.state]),
    ).toEqual([['kept', 'pending']]);
  });
});

describe('initial variables: queued once', () => {
  let agent: Agent | undefined;
  afterEach(async () => {
    await agent?.close();
    agent = undefined;
  });

  const open = (dataDir: string, appDir: string) => {
    agent = Agent.open({
      config: loadConfig({
        env: { VARSYNC_DATA_DIR: dataDir, VARSYNC_PRODUCT: 'p' },
        locations: { appDirs: [appDir] },
      }),
    });
    return agent;
  };
  const pendingValues = (target: Agent) =>
    Object.fromEntries(
      target
        .variables()
        .filter((v) => v.state === 'pending')
        .map((v) => [v.name, v.value]),
    );

  it('at the first start; not again at the next; a changed file queues only what changed; the app’s own later value is not overwritten', async () => {
    const { appDir, dataDir } = folders();
    const file = join(appDir, VENDOR_FILE_NAME);
    write(file, { variables: { edition: 'pro', seats: 5, trial: false } });
    expect(pendingValues(open(dataDir, appDir))).toEqual({ edition: 'pro', seats: 5, trial: false });
    const applied = JSON.parse(agent!.store.getMeta(META_KEYS.vendorInitialVariables)!);
    expect(Object.keys(applied)).toEqual(['edition', 'seats', 'trial']);
    expect(JSON.stringify(applied)).not.toContain('pro'); // hashes, not the values

    // Pretend the server confirmed them, and the vendor app then changed one of them itself.
    agent!.store.acknowledge(agent!.store.pending(10), []);
    agent!.set({ edition: 'enterprise' });
    agent!.store.acknowledge(agent!.store.pending(10), []);
    await agent!.close();

    expect(pendingValues(open(dataDir, appDir))).toEqual({}); // same file: nothing queued, 'enterprise' kept
    expect(agent!.variables().find((v) => v.name === 'edition')?.value).toBe('enterprise');
    await agent!.close();

    write(file, { variables: { edition: 'pro', seats: 8, trial: false, region: 'eu' } });
    expect(pendingValues(open(dataDir, appDir))).toEqual({ seats: 8, region: 'eu' });
    const queuedOnce = agent!.store.pending(10).map((entry) => [entry.name, entry.seq]);
    await agent!.close();
    open(dataDir, appDir);
    expect(agent!.store.pending(10).map((entry) => [entry.name, entry.seq])).toEqual(queuedOnce); // still pending, not queued anew
  });

  it('a name removed from the file is forgotten, so adding it back queues it again', async () => {
    const { appDir, dataDir } = folders();
    const file = join(appDir, VENDOR_FILE_NAME);
    write(file, { variables: { a: 1 } });
    open(dataDir, appDir);
    agent!.store.acknowledge(agent!.store.pending(10), []);
    await agent!.close();
    write(file, {});
    open(dataDir, appDir);
    expect(agent!.store.getMeta(META_KEYS.vendorInitialVariables)).toBe('{}');
    await agent!.close();
    write(file, { variables: { a: 2 } });
    expect(pendingValues(open(dataDir, appDir))).toEqual({ a: 2 });
  });
});
