// Start at login, a separate instance's --user-data-dir, and the operating system's hints that now
// is a good time to sync.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HIDDEN_FLAG, openedAtLogin, setupLoginItem } from '../../main/app/login-item.js';
import { setupAppIdentity } from '../../main/app/paths.js';
import { ONLINE_POLL_MS, setupSyncTriggers } from '../../main/app/sync-triggers.js';
import type { Agent } from '../../main/core/agent.js';
import { app, net, powerMonitor, resetFakeElectron } from './helpers/fake-electron.js';
import { recordingLogger } from './helpers/logger.js';
import { tempDir } from '../helpers/agent.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

beforeEach(() => resetFakeElectron());

describe('start at login', () => {
  const NAME = 'com.varsync.agent';
  const fresh = (launchAtLogin?: boolean) => ({ launchAtLogin, loginItemWritten: false });
  beforeEach(() => app.setAppUserModelId(NAME));

  it('is on by default for an installed copy, starting hidden', () => {
    app.isPackaged = true;
    const item = setupLoginItem(fresh(), 'win32');
    expect(item.enabled).toBe(true);
    expect(app.loginItemSettings).toEqual([{ openAtLogin: true, args: [HIDDEN_FLAG] }]);
    expect(app.windowsStartup.run.get(NAME)).toMatch(/ --hidden$/);
  });

  it('is written on the first start only: a "Disable" in Task Manager survives the next starts', () => {
    app.isPackaged = true;
    const settings = fresh();
    setupLoginItem(settings, 'win32');
    expect(settings.loginItemWritten).toBe(true);
    app.windowsStartup.disabled.add(NAME); // the user disables Varsync in Task Manager
    setupLoginItem(settings, 'win32');
    setupLoginItem(settings, 'win32');
    expect(app.loginItemSettings).toHaveLength(1);
    expect(app.windowsStartup.disabled.has(NAME)).toBe(true);
    expect(app.windowsStartup.run.has(NAME)).toBe(true);
  });

  it("is never touched from a checkout, which would remove the installed copy's entry (same name)", () => {
    app.windowsStartup.run.set(NAME, 'C:\\Program Files\\Varsync\\Varsync.exe --hidden');
    const item = setupLoginItem(fresh(false), 'win32');
    expect(item.supported).toBe(false);
    expect(item.enabled).toBe(false);
    item.set(false);
    expect(app.loginItemSettings).toEqual([]);
    expect(app.windowsStartup.run.get(NAME)).toBe('C:\\Program Files\\Varsync\\Varsync.exe --hidden');
  });

  it("follows the user's choice, which is kept in the settings", () => {
    app.isPackaged = true;
    const settings = fresh(false);
    const item = setupLoginItem(settings, 'win32');
    expect(app.loginItemSettings.at(-1)).toMatchObject({ openAtLogin: false });
    item.set(true);
    expect(settings.launchAtLogin).toBe(true);
    expect(item.enabled).toBe(true);
    expect(app.loginItemSettings.at(-1)).toMatchObject({ openAtLogin: true });
    item.set(false);
    expect(app.windowsStartup.run.has(NAME)).toBe(false);
  });

  it('is left alone where Electron cannot manage it (Linux)', () => {
    app.isPackaged = true;
    const item = setupLoginItem(fresh(true), 'linux');
    expect(item.supported).toBe(false);
    expect(item.enabled).toBe(false);
    expect(app.loginItemSettings).toEqual([]);
  });

  it('starts the app in the tray when it launched it', () => {
    expect(openedAtLogin(['/app/Varsync.exe', HIDDEN_FLAG], 'win32')).toBe(true);
    expect(openedAtLogin(['/app/Varsync.exe'], 'win32')).toBe(false);
    app.wasOpenedAtLogin = true;
    expect(openedAtLogin(['/Applications/Varsync.app/Contents/MacOS/Varsync'], 'darwin')).toBe(true);
  });
});

describe('--user-data-dir', () => {
  it('takes a relative folder from the working directory, and creates it (app.setPath would refuse both)', () => {
    const wanted = join(tempDir('varsync-user-data-'), 'support', 'instance');
    process.argv.push(`--user-data-dir=${relative(process.cwd(), wanted)}`);
    try {
      setupAppIdentity();
    } finally {
      process.argv.pop();
    }
    expect(app.getPath('userData')).toBe(wanted);
    expect(existsSync(wanted)).toBe(true);
  });
});

describe('sync triggers', () => {
  let agent: {
    status: ReturnType<typeof vi.fn>;
    syncNow: ReturnType<typeof vi.fn>;
    connectivityHint: ReturnType<typeof vi.fn>;
  };
  let stop: () => void;

  beforeEach(() => {
    vi.useFakeTimers();
    agent = {
      status: vi.fn(() => ({ paused: false, engine: { here: true } })),
      syncNow: vi.fn(async () => ({ outcome: 'drained' })),
      connectivityHint: vi.fn(),
    };
    stop = setupSyncTriggers(agent as unknown as Agent, recordingLogger());
  });

  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  it('sync now after the system resumes from sleep', () => {
    powerMonitor.emit('resume');
    expect(agent.syncNow).toHaveBeenCalledTimes(1);
  });

  it('leave a paused agent, or one whose engine runs in another process, alone on resume', () => {
    agent.status.mockReturnValue({ paused: true, engine: { here: true } });
    powerMonitor.emit('resume');
    agent.status.mockReturnValue({ paused: false, engine: { here: false } });
    powerMonitor.emit('resume');
    expect(agent.syncNow).not.toHaveBeenCalled();
  });

  it('hint the agent when the network comes back, once', () => {
    vi.advanceTimersByTime(ONLINE_POLL_MS * 2);
    expect(agent.connectivityHint).not.toHaveBeenCalled();
    net.online = false;
    vi.advanceTimersByTime(ONLINE_POLL_MS);
    net.online = true;
    vi.advanceTimersByTime(ONLINE_POLL_MS * 3);
    expect(agent.connectivityHint).toHaveBeenCalledTimes(1);
  });

  it('stop when asked', () => {
    stop();
    powerMonitor.emit('resume');
    net.online = false;
    vi.advanceTimersByTime(ONLINE_POLL_MS);
    net.online = true;
    vi.advanceTimersByTime(ONLINE_POLL_MS);
    expect(agent.syncNow).not.toHaveBeenCalled();
    expect(agent.connectivityHint).not.toHaveBeenCalled();
  });
});
