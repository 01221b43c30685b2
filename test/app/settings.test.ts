// User settings (electron-store in the user-data folder) are the configuration's 'user-settings'
// layer; the shell's own preferences live beside them and never reach the core.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startEmulator, DEMO, type Emulator } from '../../emulator/index.js';
import { appConfig, setupAgent } from '../../main/app/agent-setup.js';
import type { AgentRuntime } from '../../main/core/runtime.js';
import { UserSettings } from '../../main/app/settings.js';
import { ConfigError } from '../../main/core/config/resolve.js';
import { silentLogger } from '../../main/core/log.js';
import { tempDir } from '../helpers/agent.js';
import { ipcMain, resetFakeElectron } from './helpers/fake-electron.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));
vi.mock('electron-store', () => import('./helpers/fake-electron-store.js'));

let userData: string;

beforeEach(() => {
  resetFakeElectron();
  userData = tempDir('varsync-user-data-');
});

const writeSettings = (content: unknown) =>
  writeFileSync(join(userData, 'settings.json'), typeof content === 'string' ? content : JSON.stringify(content));

describe('user settings', () => {
  it('live in the user-data folder, and hold the shell preferences apart from the configuration', () => {
    const settings = UserSettings.open(userData);
    expect(settings.path).toBe(join(userData, 'settings.json'));
    expect(settings.launchAtLogin).toBeUndefined();
    settings.launchAtLogin = false;
    settings.windowBounds = { x: 1, y: 2, width: 800, height: 600 };
    const again = UserSettings.open(userData);
    expect(again.launchAtLogin).toBe(false);
    expect(again.windowBounds).toEqual({ x: 1, y: 2, width: 800, height: 600 });
    expect(JSON.parse(readFileSync(settings.path, 'utf8'))).toMatchObject({ agent: {}, app: { launchAtLogin: false } });
    // Not configuration keys: the layer does not see them (it would refuse them).
    expect(again.configLayer().values).toEqual({});
  });

  it('are the user-settings layer of the configuration, below the environment and the vendor file', () => {
    writeSettings({ agent: { product: 'from-user', batchSize: 50, logLevel: 'debug' }, app: {} });
    const settings = UserSettings.open(userData);
    const fromUser = appConfig({}, settings.configLayer());
    expect(fromUser.values).toMatchObject({ product: 'from-user', batchSize: 50 });
    expect(fromUser.sources.product).toBe(`user settings ${settings.path}`);

    const vendorFile = join(userData, 'vendor.json');
    writeFileSync(vendorFile, JSON.stringify({ batchSize: 20 }));
    const layered = appConfig(
      { VARSYNC_PRODUCT: 'from-env', VARSYNC_BATCH_SIZE: '30', VARSYNC_CONFIG: vendorFile },
      settings.configLayer(),
    );
    expect(layered.values).toMatchObject({ product: 'from-env', batchSize: 20, logLevel: 'debug' });
    expect(layered.sources.product).toBe('env VARSYNC_PRODUCT');
    expect(layered.sources.batchSize).toMatch(/^file .*vendor\.json/);
  });

  it('stop start-up over a bad key or value, naming the file', () => {
    writeSettings({ agent: { prodcut: 'x' } });
    expect(() => UserSettings.open(userData).configLayer()).toThrow(ConfigError);
    expect(() => UserSettings.open(userData).configLayer()).toThrow(
      `user settings ${join(userData, 'settings.json')}: key "prodcut" is not a setting`,
    );
    writeSettings({ agent: { batchSize: 0 } });
    expect(() => UserSettings.open(userData).configLayer()).toThrow(/settings\.json: key "batchSize"/);
    writeSettings({ agent: ['x'] });
    expect(() => UserSettings.open(userData).configLayer()).toThrow(/"agent" must be an object/);
  });

  it('stop start-up over a file that is not JSON, naming the folder', () => {
    writeSettings('{ not json');
    expect(() => UserSettings.open(userData)).toThrow(ConfigError);
    expect(() => UserSettings.open(userData)).toThrow(`user settings in ${userData}: cannot be read`);
  });

  it('forget a damaged preference instead of failing', () => {
    writeSettings({ agent: {}, app: { launchAtLogin: true, windowBounds: { x: 'left' } } });
    const settings = UserSettings.open(userData);
    expect(settings.launchAtLogin).toBe(true);
    expect(settings.windowBounds).toBeUndefined();
  });

  it("leave no IPC listener of electron-store's that skips the sender check", () => {
    UserSettings.open(userData);
    expect(ipcMain.listenerCount('electron-store-get-data')).toBe(0);
  });
});

describe("the shell's agent", () => {
  let running: AgentRuntime | undefined;
  let emulator: Emulator | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
    await emulator?.close();
    emulator = undefined;
  });

  it('is the built-in demo when nothing is configured, in its own data folder', async () => {
    const dataDir = tempDir('varsync-app-data-');
    running = await setupAgent({
      env: { VARSYNC_DATA_DIR: dataDir },
      userSettings: UserSettings.open(userData).configLayer(),
      logger: () => silentLogger,
    });
    expect(running.config.values).toMatchObject({ product: DEMO.product, dataDir: join(dataDir, 'demo') });
    const status = running.agent.status();
    expect(status).toMatchObject({ demo: true, engine: { here: true } });
    expect(running.agent.variables().map((variable) => variable.name)).toContain('demo.platform');
  });

  it('runs for real when configured (environment, vendor file or user settings)', async () => {
    emulator = await startEmulator();
    const dataDir = tempDir('varsync-app-data-');
    writeSettings({
      agent: { apiUrl: emulator.url, product: DEMO.product, licenseKey: DEMO.licenseKey, apiKey: DEMO.apiKey },
    });
    running = await setupAgent({
      env: { VARSYNC_DATA_DIR: dataDir, VARSYNC_SHARED_KEY: DEMO.sharedKey },
      userSettings: UserSettings.open(userData).configLayer(),
      logger: () => silentLogger,
    });
    expect(running.agent.status()).toMatchObject({ demo: false, product: DEMO.product, engine: { here: true } });
    expect(running.config.values.dataDir).toBe(dataDir);
    running.agent.set({ color: 'blue' });
    expect((await running.agent.syncNow()).outcome).toBe('drained');
  });

  it('does not start half-configured, and says what is missing', async () => {
    await expect(
      setupAgent({
        env: { VARSYNC_DATA_DIR: tempDir(), VARSYNC_PRODUCT: 'p' },
        userSettings: UserSettings.open(userData).configLayer(),
        logger: () => silentLogger,
      }),
    ).rejects.toThrow(/^Varsync is not fully configured: missing a license key/);
  });
});
