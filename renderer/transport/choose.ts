// Which carrier this window has: Electron's preload bridge when present, else the daemon's HTTP API.
import { createHttpTransport } from './http.js';
import { createIpcTransport, isAgentApi } from './ipc.js';
import type { Transport } from './transport.js';

declare global {
  interface Window {
    /** Set by main/preload through contextBridge; absent in a plain browser. */
    varsync?: unknown;
  }
}

export function chooseTransport(): Transport {
  if (window.varsync !== undefined) {
    if (!isAgentApi(window.varsync)) throw new Error('The desktop app exposed an incomplete agent interface. Reinstall Varsync or report this.');
    return createIpcTransport(window.varsync);
  }
  return createHttpTransport({
    fetch: (url, init) => window.fetch(url, init),
    openEventSource: (url) => new EventSource(url),
  });
}
