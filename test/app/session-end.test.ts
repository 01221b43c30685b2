// Windows shutdown and log-off: no quit events, only 'session-end' on the windows, and the process
// ends when the handlers return. A hidden window hears it even after the main window was released,
// and the agent is stopped, its database closed, before the handler returns.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setupSessionEnd } from '../../main/app/session-end.js';
import { Agent } from '../../main/core/agent.js';
import { objectLayer, resolveConfig } from '../../main/core/config/resolve.js';
import { tempDir } from '../helpers/agent.js';
import { app, endWindowsSession, FakeBrowserWindow, resetFakeElectron } from './helpers/fake-electron.js';
import { recordingLogger } from './helpers/logger.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

let agent: Agent | undefined;
beforeEach(() => resetFakeElectron());
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

const open = (dataDir: string) =>
  Agent.open({ config: resolveConfig([objectLayer('flag', { dataDir }, 'test')]), log: recordingLogger() });

describe('the end of a Windows session', () => {
  it('stops the agent and closes its database before the handler returns, with no quit events', () => {
    const dataDir = tempDir('varsync-session-end-');
    const opened = open(dataDir);
    agent = opened;
    opened.set({ shutdown_seen: true });
    const quitEvents: string[] = [];
    for (const name of ['before-quit', 'will-quit', 'quit']) app.on(name, () => quitEvents.push(name));
    const log = recordingLogger();
    setupSessionEnd(() => opened.closeNow(), log, 'win32');
    // The main window is gone (released after a while hidden): only the listener is left.
    expect(FakeBrowserWindow.getAllWindows()).toHaveLength(1);
    expect(FakeBrowserWindow.getAllWindows()[0]!.visible).toBe(false);

    endWindowsSession(['logoff']);
    expect(app.sessionEnded).toBe(true);
    expect(quitEvents).toEqual([]);
    expect(log.lines).toEqual(['info Windows is ending the session (logoff): stopping the agent now']);
    expect(() => opened.set({ after: 1 })).toThrow(/not open/);

    agent = open(dataDir);
    expect(agent.status().pending).toBe(1);
  });

  it('keeps no extra window where there is no such event (macOS and Linux quit as usual)', () => {
    setupSessionEnd(() => undefined, recordingLogger(), 'linux');
    setupSessionEnd(() => undefined, recordingLogger(), 'darwin');
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });
});
