// The preload exposes window.varsync, exactly the AgentApi, and nothing of Electron.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgentApi } from '../../shared/agent-api.js';
import { IPC_CHANGED_EVENT, IPC_METHOD } from '../../shared/ipc.js';
import { AGENT_API_METHODS } from '../../shared/ipc-channels.js';
import { contextBridge, ipcRenderer, resetFakeElectron } from './helpers/fake-electron.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

let api: AgentApi;

beforeAll(async () => {
  resetFakeElectron();
  await import('../../main/preload/index.js');
  api = contextBridge.exposed.varsync as AgentApi;
});

describe('the preload', () => {
  it('exposes window.varsync and nothing else', () => {
    expect(Object.keys(contextBridge.exposed)).toEqual(['varsync']);
  });

  it('exposes exactly the AgentApi methods, all functions', () => {
    expect(Object.keys(api).sort()).toEqual([...AGENT_API_METHODS].sort());
    expect(Object.keys(api).sort()).toEqual([...Object.values(IPC_METHOD), 'onChange'].sort());
    for (const [name, value] of Object.entries(api)) expect(typeof value, name).toBe('function');
    expect(Object.values(api)).not.toContain(ipcRenderer);
  });

  it('invokes one channel per method, passing the arguments on', async () => {
    for (const [channel, method] of Object.entries(IPC_METHOD)) {
      const call = api[method] as (...args: unknown[]) => Promise<unknown>;
      const args = method.endsWith('DeadLetters') ? [['color']] : [];
      expect(await call(...args)).toBe(`answer from ${channel}`);
      expect(ipcRenderer.invoked.at(-1)).toEqual({ channel, args });
    }
    expect(ipcRenderer.invoked).toHaveLength(Object.keys(IPC_METHOD).length);
  });

  it('tells listeners of changes with the pushed changes only (never the IPC event), until they unsubscribe', () => {
    const listener = vi.fn();
    const unsubscribe = api.onChange(listener);
    const push = { since: 'c1', changes: { cursor: 'c2' } };
    ipcRenderer.emit(IPC_CHANGED_EVENT, { sender: ipcRenderer, ports: [] }, push, 'extra');
    // Anything else than a push is passed on as null: the page then asks.
    ipcRenderer.emit(IPC_CHANGED_EVENT, { sender: ipcRenderer, ports: [] }, { sender: ipcRenderer });
    expect(listener.mock.calls).toEqual([[push], [null]]);
    unsubscribe();
    ipcRenderer.emit(IPC_CHANGED_EVENT, {});
    expect(listener).toHaveBeenCalledTimes(2);
    expect(ipcRenderer.listenerCount(IPC_CHANGED_EVENT)).toBe(0);
  });

  it('refuses a listener that is not a function', () => {
    expect(() => api.onChange('alert(1)' as never)).toThrow(TypeError);
    expect(ipcRenderer.listenerCount(IPC_CHANGED_EVENT)).toBe(0);
  });
});
