// The shell's side of logs and diagnostics, with electron mocked: the logs folder (shared with the
// command-line daemon, or DIR/logs under --user-data-dir), the tray's "Log level" submenu changing
// what the running app writes, and "Collect diagnostics..." asking where to save and writing the
// same redacted bundle as `varsync diagnostics`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { collectDiagnostics } from '../../main/app/diagnostics.js';
import { logsFolder, setupLogFile, type LogFile } from '../../main/app/logging.js';
import { setupTray, type AppTray } from '../../main/app/tray.js';
import { Agent } from '../../main/core/agent.js';
import type { ResolvedConfig } from '../../main/core/config/resolve.js';
import { readOsMachineId } from '../../main/core/identity/hardware-id.js';
import { defaultLogDir, LOG_FILE_NAME } from '../../main/core/log/files.js';
import { emulatorConfig, eventually, tempDir } from '../helpers/agent.js';
import { leaks, readZip } from '../helpers/zip.js';
import { app, dialog, FakeTray, resetFakeElectron, shell } from './helpers/fake-electron.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

const ICONS = join(import.meta.dirname, '..', '..', 'assets', 'tray');
const LINE_START = /^\S+Z (?:error|warn |info |debug) /;

let emulator: Emulator;
let agent: Agent;
let config: ResolvedConfig;
let logFile: LogFile;
let tray: AppTray | undefined;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  resetFakeElectron();
  app.isPackaged = true; // no echo to stdout
  logFile = setupLogFile(tempDir('varsync-app-logs-'));
  config = emulatorConfig(emulator, tempDir('varsync-app-data-'), {
    hardwareId: 'app-diagnostics-device',
    password: 'app-password-9f8e7d',
  });
  agent = Agent.open({ config, log: logFile.configure(config) });
});
afterEach(async () => {
  tray?.destroy();
  tray = undefined;
  await agent.close();
});

const logMessages = () =>
  readFileSync(join(logFile.dir, LOG_FILE_NAME), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(LINE_START, ''));

function trayWithLogsAndDiagnostics(): void {
  tray = setupTray(
    agent,
    {
      open: () => {},
      syncNow: () => {},
      pause: () => {},
      resume: () => {},
      openLogsFolder: () => void logFile.openFolder(),
      logLevel: {
        get current() {
          return logFile.level;
        },
        set: (level) => logFile.setLevel(level),
      },
      collectDiagnostics: () => void collectDiagnostics({ agent, config, logsDir: logFile.dir, log: logFile.logger }),
      quit: () => {},
      launchAtLogin: { supported: false, enabled: false, set: () => {} },
    },
    ICONS,
  );
}
const menu = () => FakeTray.instances.at(-1)!.menu!;

describe('the logs folder', () => {
  it('is the one the command-line daemon uses, or DIR/logs for an instance with --user-data-dir=DIR', () => {
    expect(logsFolder()).toBe(defaultLogDir(process.env));
    const userData = tempDir('varsync-app-user-');
    app.setPath('userData', userData);
    process.argv.push(`--user-data-dir=${userData}`);
    try {
      expect(logsFolder()).toBe(join(userData, 'logs'));
    } finally {
      process.argv.pop();
    }
  });

  it('is what Electron reports as the logs path, and what "Open logs folder" shows', async () => {
    expect(app.getPath('logs')).toBe(logFile.dir);
    expect(await logFile.openFolder()).toBe(true);
    expect(shell.openedPaths).toEqual([logFile.dir]);
  });

  it('gets lines at the configuration’s level, with its secrets redacted', () => {
    logFile.logger.info(`a careless line with ${DEMO.sharedKey}, ${DEMO.licenseKey} and app-password-9f8e7d`);
    logFile.logger.debug('not at info');
    expect(logMessages()).toEqual(['a careless line with [redacted], [redacted] and [redacted]']);
  });
});

describe('the tray’s "Log level" submenu', () => {
  it('changes what the running app writes, and says so in the log', () => {
    trayWithLogsAndDiagnostics();
    logFile.logger.debug('before: hidden');
    menu().click('Log level', 'Debug (most detail)');
    expect(logFile.level).toBe('debug');
    logFile.logger.child('sync 12345678').debug('after: shown');
    menu().click('Log level', 'Errors only');
    logFile.logger.warn('hidden again');
    logFile.logger.error('an error');
    expect(logMessages()).toEqual([
      'log level set to debug from the tray menu',
      '[sync 12345678] after: shown',
      'log level set to error from the tray menu',
      'an error',
    ]);
    agent.set({ color: 'blue' }); // the menu is rebuilt with the level now in force
    expect(
      menu()
        .item('Log level')
        .submenu!.filter((item) => item.checked)
        .map((item) => item.label),
    ).toEqual(['Errors only']);
  });
});

describe('the tray’s "Collect diagnostics..."', () => {
  it('asks where to save, writes the redacted bundle there and shows it', async () => {
    agent.set({ color: 'blue' });
    await agent.syncNow();
    const target = join(tempDir('varsync-app-out-'), 'from-tray'); // the dialog gave no extension
    dialog.saveAnswers.push(target);
    trayWithLogsAndDiagnostics();
    menu().click('Collect diagnostics...');
    await eventually(
      () => shell.shownItems,
      (shown) => shown.length > 0,
    );
    expect(shell.shownItems).toEqual([`${target}.zip`]);
    expect(dialog.saveDialogs[0]).toMatchObject({
      defaultPath: expect.stringMatching(/varsync-diagnostics-\d{8}-\d{6}\.zip$/),
      filters: [{ name: 'Zip archive', extensions: ['zip'] }],
    });
    expect(dialog.errors).toEqual([]);

    const entries = await readZip(`${target}.zip`);
    expect([...entries.keys()]).toEqual(
      expect.arrayContaining([
        'about.json',
        'config.json',
        'status.json',
        'queue.json',
        'history.json',
        'connectivity.json',
        'logs/varsync.log',
      ]),
    );
    expect(entries.get('logs/varsync.log')!.toString()).toMatch(/\[sync [0-9a-f]{8}\] pass drained: 1 sent/);
    expect(JSON.parse(entries.get('connectivity.json')!.toString())).toMatchObject({ ok: true });
    const machineId = readOsMachineId();
    const secrets = {
      sharedKey: DEMO.sharedKey,
      licenseKey: DEMO.licenseKey,
      password: 'app-password-9f8e7d',
      hardwareId: 'app-diagnostics-device',
      ...(machineId ? { machineId } : {}),
    };
    for (const [name, content] of entries) expect(leaks(content.toString('utf8'), secrets), name).toEqual([]);
    expect(logMessages()).toContain(`diagnostics written to ${target}.zip`);
  });

  it('does nothing when the person cancels', async () => {
    const folder = tempDir('varsync-app-out-');
    expect(await collectDiagnostics({ agent, config, logsDir: logFile.dir, log: logFile.logger })).toBeUndefined();
    expect(dialog.saveDialogs).toHaveLength(1);
    expect(readdirSync(folder)).toEqual([]);
    expect(dialog.errors).toEqual([]);
  });

  it('says why when it cannot write there, and the app goes on', async () => {
    const folder = tempDir('varsync-app-out-');
    dialog.saveAnswers.push(join(folder, 'missing', 'bundle.zip'), folder);
    expect(await collectDiagnostics({ agent, config, logsDir: logFile.dir, log: logFile.logger })).toBeUndefined();
    expect(await collectDiagnostics({ agent, config, logsDir: logFile.dir, log: logFile.logger })).toBeUndefined();
    expect(dialog.errors).toEqual([
      {
        title: 'Varsync could not save the diagnostics',
        content: expect.stringMatching(/^The folder .*missing does not exist\.$/),
      },
      {
        title: 'Varsync could not save the diagnostics',
        content: expect.stringMatching(/is a folder, not a file name ending in \.zip\.$/),
      },
    ]);
    expect(existsSync(join(folder, 'missing'))).toBe(false);
    expect(agent.status().state).not.toBe('attention');
  });
});
