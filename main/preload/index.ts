// The bridge between the sandboxed page and the main process: window.varsync, the AgentApi,
// built from the shared channel table (one ipcRenderer.invoke per channel) plus onChange. Only
// these functions cross: never ipcRenderer itself, nor an IPC event object.
import { contextBridge, ipcRenderer } from 'electron';
import type { AgentApi, ChangesPush } from '../../shared/agent-api.js';
import { isChangesPush } from '../../shared/changes-push.js';
import { IPC_CHANGED_EVENT, IPC_METHOD, type IpcInvokeChannel } from '../../shared/ipc-channels.js';

const invokers = Object.fromEntries(
  (Object.entries(IPC_METHOD) as Array<[IpcInvokeChannel, string]>).map(([channel, method]) => [
    method,
    (...args: unknown[]) => ipcRenderer.invoke(channel, ...args),
  ]),
);

function onChange(listener: (push: ChangesPush | null) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('onChange needs a function');
  // The page's listener gets the pushed changes only: the event would carry the sender.
  const relay = (_event: unknown, push: unknown) => listener(isChangesPush(push) ? push : null);
  ipcRenderer.on(IPC_CHANGED_EVENT, relay);
  return () => {
    ipcRenderer.removeListener(IPC_CHANGED_EVENT, relay);
  };
}

const api = { ...invokers, onChange } as AgentApi;

contextBridge.exposeInMainWorld('varsync', api);
