// Which carrier this window has: Electron's preload bridge when present, else the daemon's HTTP API
// with the run's token (from the URL's fragment, or this tab's sessionStorage).
import { createHttpTransport } from './http.js';
import { createIpcTransport, isAgentApi } from './ipc.js';
import { MissingTokenError, takeToken, type StorageLike } from './token.js';
import type { Transport } from './transport.js';

declare global {
  interface Window {
    /** Set by main/preload through contextBridge; absent in a plain browser. */
    varsync?: unknown;
  }
}

/** Throws MissingTokenError when the page was opened without its token. */
export function chooseTransport(): Transport {
  if (window.varsync !== undefined) {
    if (!isAgentApi(window.varsync))
      throw new Error('The desktop app exposed an incomplete agent interface. Reinstall Varsync or report this.');
    return createIpcTransport(window.varsync);
  }
  const token = takeToken({
    location: window.location,
    storage: sessionStorageOrNothing(),
    replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
  });
  if (token === undefined) throw new MissingTokenError();
  return createHttpTransport({ token, fetch: (url, init) => window.fetch(url, init) });
}

/** Reading window.sessionStorage itself throws where storage is refused (some privacy settings). */
function sessionStorageOrNothing(): StorageLike | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}
