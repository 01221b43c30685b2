// Every IPC channel refuses callers that are not the app's own page and arguments that do not
// match the channel's schema, before the agent is touched; good calls reach a real agent.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Emulator } from '../../emulator/index.js';
import { startEmulator } from '../../emulator/index.js';
import { createAgentService, forwardChanges, IPC_CHANNELS, setupIpc, WINDOW_PAGE } from '../../main/app/ipc.js';
import { ChangeFeed } from '../../main/core/change-feed.js';
import type { ChangesPush, ChangesView, FirstScreenView } from '../../shared/agent-api.js';
import { APP_START_URL, createSecureWindow } from '../../main/app/security.js';
import { Agent } from '../../main/core/agent.js';
import { objectLayer, resolveConfig } from '../../main/core/config/resolve.js';
import { IPC_CHANGED_EVENT, IPC_INVOKE } from '../../shared/ipc.js';
import { emulatorConfig, eventually, tempDir } from '../helpers/agent.js';
import { rowsOf } from '../helpers/changes.js';
import { FakeWebContents, ipcMain, resetFakeElectron, shell, type FakeBrowserWindow } from './helpers/fake-electron.js';
import { recordingLogger } from './helpers/logger.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

let agent: Agent;
let window: FakeBrowserWindow;
let log: ReturnType<typeof recordingLogger>;
let removeHandlers: () => void;

function openWindow(): FakeBrowserWindow {
  return createSecureWindow({}, '/app/preload.cjs') as unknown as FakeBrowserWindow;
}

beforeEach(async () => {
  resetFakeElectron();
  agent = Agent.open({ config: resolveConfig([objectLayer('flag', { dataDir: tempDir('varsync-ipc-') }, 'test')]) });
  log = recordingLogger();
  removeHandlers = setupIpc(
    createAgentService(agent, async () => (await shell.openPath('/logs')) === ''),
    log,
  );
  window = openWindow();
  await window.loadURL(APP_START_URL);
});

afterEach(async () => {
  removeHandlers();
  await agent.close();
});

const trusted = () => window.webContents.ipcEvent();

describe('IPC handlers', () => {
  it('answer every channel of the shared map, and only those', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.keys(IPC_INVOKE).sort());
    expect(IPC_CHANNELS).toHaveLength(14);
    removeHandlers();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('carry good calls from the app page to the agent', async () => {
    agent.set({ color: 'blue', seats: 3 });
    const status = (await ipcMain.invoke('agent:get-status', trusted())) as { pending: number; state: string };
    expect(status).toMatchObject({ pending: 2, state: 'pending' });
    const variables = (await ipcMain.invoke('agent:get-variables', trusted())) as Array<{
      name: string;
      value: unknown;
      state: string;
    }>;
    expect(variables.map(({ name, value, state }) => ({ name, value, state }))).toEqual([
      { name: 'color', value: 'blue', state: 'pending' },
      { name: 'seats', value: 3, state: 'pending' },
    ]);
    const changes = (await ipcMain.invoke('agent:get-changes', trusted(), null)) as ChangesView;
    expect(changes).toMatchObject({ status: { pending: 2 }, variables: { full: true }, deadLetters: [], activity: [] });
    expect(rowsOf(changes.variables)).toHaveLength(2);
    const first = (await ipcMain.invoke('agent:get-first-screen', trusted(), 1)) as FirstScreenView;
    expect(first).toMatchObject({ status: { pending: 2 }, deadLetters: [], activity: [] });
    expect(first.variables.total).toBe(2);
    expect(first.variables.first.map(({ name }) => name)).toEqual(['color']);
    expect(await ipcMain.invoke('agent:get-dead-letters', trusted())).toEqual([]);

    await ipcMain.invoke('agent:pause', trusted());
    expect(agent.status().paused).toBe(true);
    await ipcMain.invoke('agent:resume', trusted());
    expect(agent.status().paused).toBe(false);

    expect(await ipcMain.invoke('agent:retry-dead-letters', trusted())).toBe(0);
    expect(await ipcMain.invoke('agent:retry-dead-letters', trusted(), ['color'])).toBe(0);
    expect(await ipcMain.invoke('agent:discard-dead-letters', trusted(), undefined)).toBe(0);
    expect(await ipcMain.invoke('agent:open-logs-folder', trusted())).toBe(true);
    expect(await ipcMain.invoke('agent:get-activity', trusted())).toEqual([]);
    await expect(ipcMain.invoke('agent:get-attempt-log', trusted(), '3f9a0c1e')).rejects.toThrow(
      'no recent sync attempt has the ID 3f9a0c1e',
    );
    expect(shell.openedPaths).toEqual(['/logs']);
  });

  it("pass the agent's own errors on as a short message", async () => {
    await expect(ipcMain.invoke('agent:sync-now', trusted())).rejects.toThrow(
      /^Varsync is not fully configured: missing the product/,
    );
    expect(log.lines.some((line) => line.startsWith('warn ipc agent:sync-now: Varsync is not fully configured'))).toBe(
      true,
    );
  });

  describe('refuse callers that are not the main frame of an app window on app://varsync/', () => {
    const foreign = () => {
      const contents = new FakeWebContents();
      contents.mainFrame.url = APP_START_URL;
      return contents.ipcEvent();
    };
    const cases: Array<[string, () => unknown, RegExp]> = [
      ['a web contents this app did not create', foreign, /refused: not a window of this app/],
      [
        'a frame inside the app page',
        () => window.webContents.ipcEvent(window.webContents.mainFrame.child(APP_START_URL)),
        /refused: not the main frame/,
      ],
      ['a frame that is gone', () => window.webContents.ipcEvent(null), /refused: the frame is gone/],
      [
        'the app window showing another site',
        () => {
          window.webContents.mainFrame.url = 'https://evil.example/varsync';
          return trusted();
        },
        /refused: not the app's page/,
      ],
      [
        'the app window showing a file',
        () => {
          window.webContents.mainFrame.url = 'file:///etc/passwd';
          return trusted();
        },
        /refused: not the app's page/,
      ],
      [
        'a look-alike origin',
        () => {
          window.webContents.mainFrame.url = 'app://varsync.evil/index.html';
          return trusted();
        },
        /refused: not the app's page/,
      ],
    ];

    it.each(cases)('%s', async (_name, event, message) => {
      agent.set({ color: 'blue' });
      await expect(ipcMain.invoke('agent:pause', event())).rejects.toThrow(message);
      await expect(ipcMain.invoke('agent:get-variables', event())).rejects.toThrow(message);
      expect(agent.status().paused).toBe(false);
      expect(log.lines.filter((line) => line.includes('refused a call'))).toHaveLength(2);
    });

    it('for every channel', async () => {
      for (const channel of IPC_CHANNELS) {
        await expect(ipcMain.invoke(channel, foreign()), channel).rejects.toThrow(/^refused/);
      }
      expect(shell.openedPaths).toEqual([]);
    });
  });

  describe('refuse arguments that do not match the channel', () => {
    const cases: Array<[string, unknown[]]> = [
      ['agent:get-status', ['extra']],
      ['agent:pause', [{ now: true }]],
      ['agent:sync-now', [1]],
      ['agent:retry-dead-letters', ['color']],
      ['agent:retry-dead-letters', [[1, 2]]],
      ['agent:retry-dead-letters', [['']]],
      ['agent:retry-dead-letters', [['x'.repeat(129)]]],
      ['agent:retry-dead-letters', [['color'], 'extra']],
      ['agent:discard-dead-letters', [null]],
      ['agent:discard-dead-letters', [{ length: 1, 0: 'color' }]],
      ['agent:open-logs-folder', ['/etc']],
      ['agent:get-activity', ['all']],
      ['agent:get-changes', []],
      ['agent:get-changes', [1]],
      ['agent:get-changes', ['x'.repeat(81)]],
      ['agent:get-first-screen', []],
      ['agent:get-first-screen', [0]],
      ['agent:get-first-screen', [501]],
      ['agent:get-first-screen', [2.5]],
      ['agent:get-first-screen', ['100']],
      ['agent:get-attempt-log', []],
      ['agent:get-attempt-log', ['../../etc/passwd']],
      ['agent:get-attempt-log', [{ id: '3f9a0c1e' }]],
      ['agent:check-network', ['https://elsewhere.example']],
    ];

    it.each(cases)('%s %j', async (channel, args) => {
      const retry = vi.spyOn(agent, 'retryDeadLetters');
      const discard = vi.spyOn(agent, 'discardDeadLetters');
      const pause = vi.spyOn(agent, 'pause');
      await expect(ipcMain.invoke(channel, trusted(), ...args)).rejects.toThrow(
        `refused: bad arguments for ${channel}`,
      );
      expect(retry).not.toHaveBeenCalled();
      expect(discard).not.toHaveBeenCalled();
      expect(pause).not.toHaveBeenCalled();
      expect(shell.openedPaths).toEqual([]);
      expect(log.lines.some((line) => line.includes(`ipc ${channel}: refused a call with bad arguments`))).toBe(true);
    });
  });

  it('tell the app page when the agent changes, with the changes since the last push, and nobody once the window is gone', async () => {
    const feed = new ChangeFeed(agent);
    const stop = forwardChanges(agent, feed, () => window.webContents as never);
    // Before the page's first answer there is nothing to follow on from: it is told to ask.
    agent.set({ shape: 'round' });
    await eventually(
      () => window.webContents.sent.length,
      (count) => count > 0,
    );
    expect(window.webContents.sent.shift()).toEqual([IPC_CHANGED_EVENT, null]);
    const first = feed.changesSince(null, WINDOW_PAGE);
    // A burst of changes is one push, what getChanges(first cursor) would answer.
    agent.set({ color: 'blue' });
    agent.set({ size: 3 });
    await eventually(
      () => window.webContents.sent.length,
      (count) => count > 0,
    );
    expect(window.webContents.sent).toHaveLength(1);
    const [channel, push] = window.webContents.sent[0] as [string, ChangesPush];
    expect(channel).toBe(IPC_CHANGED_EVENT);
    expect(push.since).toBe(first.cursor);
    expect(push.changes.variables.full).toBe(false);
    expect(rowsOf(push.changes.variables).map((variable) => variable.name)).toEqual(['color', 'size']);
    // The window's own answers and its pushes follow on from each other.
    expect(feed.cursorOf(WINDOW_PAGE)).toBe(push.changes.cursor);
    window.destroy();
    agent.set({ color: 'green' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(window.webContents.sent).toHaveLength(1);
    stop();
    expect(agent.listenerCount('change')).toBe(0);
  });
});

describe('sync now over IPC', () => {
  let emulator: Emulator;
  let synced: Agent;

  beforeEach(async () => {
    emulator = await startEmulator();
    synced = Agent.open({ config: emulatorConfig(emulator, tempDir('varsync-ipc-sync-')) });
  });

  afterEach(async () => {
    await synced.close();
    await emulator.close();
  });

  it('runs a pass and answers with its outcome and the status', async () => {
    removeHandlers();
    removeHandlers = setupIpc(
      createAgentService(synced, async () => true),
      log,
    );
    synced.set({ color: 'blue' });
    const result = (await ipcMain.invoke('agent:sync-now', trusted())) as {
      outcome: string;
      status: { pending: number; state: string };
    };
    expect(result.outcome).toBe('drained');
    expect(result.status).toMatchObject({ pending: 0, state: 'synced' });
    expect(synced.variables()).toMatchObject([{ name: 'color', value: 'blue', state: 'synced' }]);
  });
});
