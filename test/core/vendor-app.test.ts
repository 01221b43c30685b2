// The desktop app (electron mocked) reads the same vendor and policy files as the command line,
// from its resources and executable folders and the machine-wide folder; keeps handed-over
// secrets with safeStorage; runs the collectors; and takes launchAtLogin as its default.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { appConfig, electronConfigLocations, setupAgent, type RunningAgent } from '../../main/app/agent-setup.js';
import { safeStorageSecrets } from '../../main/app/secrets.js';
import { UserSettings } from '../../main/app/settings.js';
import { machineConfigDir, POLICY_FILE_NAME, VENDOR_FILE_NAME } from '../../main/core/config/load.js';
import { silentLogger } from '../../main/core/log.js';
import { app, resetFakeElectron, safeStorage as fakeSafeStorage } from '../app/helpers/fake-electron.js';
import { tempDir } from '../helpers/agent.js';

vi.mock('electron', () => import('../app/helpers/fake-electron.js'));
vi.mock('electron-store', () => import('../app/helpers/fake-electron-store.js'));

let emulator: Emulator;
let running: RunningAgent | undefined;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => resetFakeElectron());
afterEach(async () => {
  await running?.close();
  running = undefined;
});

it('looks in its resources folder, beside its executable and in the machine-wide folder', () => {
  const exeDir = tempDir('varsync-exe-');
  app.setPath('exe', join(exeDir, 'Varsync'));
  const resources = join(exeDir, 'resources');
  Object.defineProperty(process, 'resourcesPath', { value: resources, configurable: true });
  try {
    expect(electronConfigLocations()).toMatchObject({ appDirs: [resources, exeDir], machineDir: machineConfigDir() });
  } finally {
    Object.defineProperty(process, 'resourcesPath', { value: undefined, configurable: true });
  }
  expect(electronConfigLocations().appDirs).toEqual([exeDir]); // plain Node has no resourcesPath
});

describe('the app’s agent from a vendor file', () => {
  it('is configured by it, keeps its secrets with safeStorage, runs its collectors and queues its initial variables', async () => {
    const root = tempDir('varsync-app-vendor-');
    const resources = join(root, 'resources');
    const machineDir = join(root, 'machine');
    mkdirSync(resources);
    mkdirSync(machineDir);
    const dataDir = join(root, 'data');
    writeFileSync(
      join(resources, VENDOR_FILE_NAME),
      JSON.stringify({
        apiUrl: emulator.url,
        product: DEMO.product,
        licenseKey: DEMO.licenseKey,
        apiKey: DEMO.apiKey,
        sharedKey: DEMO.sharedKey,
        hardwareId: 'app-vendor-device',
        variables: { edition: 'pro' },
        collectors: ['arch', 'app_version'],
        appVersion: '7.0.1',
        launchAtLogin: false,
      }),
    );
    writeFileSync(join(machineDir, POLICY_FILE_NAME), JSON.stringify({ dataDir }));
    const userData = tempDir('varsync-app-user-');
    const settings = UserSettings.open(userData);
    const warnings: string[] = [];
    running = await setupAgent({
      env: { VARSYNC_DATA_DIR: join(root, 'ignored') },
      userSettings: settings.configLayer(),
      logger: () => ({ ...silentLogger, warn: (line: string) => void warnings.push(line) }),
      locations: { appDirs: [resources], machineDir },
      secrets: await safeStorageSecrets(),
    });
    expect(running.config.values.dataDir).toBe(dataDir);
    expect(warnings).toContain(
      `dataDir: env VARSYNC_DATA_DIR ("${join(root, 'ignored')}") is ignored; enforced by policy file ${join(machineDir, POLICY_FILE_NAME)} (dataDir) ("${dataDir}").`,
    );
    expect(running.agent.status()).toMatchObject({
      demo: false,
      hardwareId: { id: 'app-vendor-device', source: 'configured' },
    });
    expect(Object.fromEntries(running.agent.variables().map((variable) => [variable.name, variable.value]))).toEqual({
      edition: 'pro',
      'varsync.arch': process.arch,
      'varsync.app_version': '7.0.1',
    });
    const stored = readFileSync(join(dataDir, 'secrets.safe.json'), 'utf8');
    expect(stored).not.toContain(DEMO.sharedKey);
    const again = (await safeStorageSecrets())!;
    await again.prepare(dataDir);
    expect(again.open(dataDir, () => {}).read().sharedKey?.value).toBe(DEMO.sharedKey);
    expect(fakeSafeStorage.deprecatedCalls).toEqual([]);
    expect(running.config.secretValues).toEqual(expect.arrayContaining([DEMO.sharedKey, DEMO.licenseKey]));

    settings.vendorLaunchAtLogin = running.config.vendor.launchAtLogin;
    expect(settings.launchAtLogin).toBe(false); // the vendor's default until the user chooses
    settings.launchAtLogin = true;
    expect(settings.launchAtLogin).toBe(true);
    expect((await running.agent.syncNow()).outcome).toBe('drained');
  });

  it('a bad vendor file stops the app’s start, naming the file and the key', () => {
    const resources = tempDir('varsync-app-bad-');
    writeFileSync(join(resources, VENDOR_FILE_NAME), JSON.stringify({ prodct: 'x' }));
    const settings = UserSettings.open(tempDir());
    expect(() =>
      appConfig({ VARSYNC_DATA_DIR: tempDir() }, settings.configLayer(), { locations: { appDirs: [resources] } }),
    ).toThrow(`vendor file ${join(resources, VENDOR_FILE_NAME)}: key "prodct" is not a setting; the settings are:`);
  });
});
