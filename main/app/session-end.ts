// Windows shutdown, restart and log-off. Electron emits neither before-quit nor will-quit then: it
// emits 'session-end' on each BrowserWindow ("Emitted when a session is about to end due to a
// shutdown, machine restart, or user log-off. Once this event fires, there is no way to prevent
// the session from ending", electron.d.ts, BrowserWindow, win32), and the process is ended once
// the handlers return. The main window is released after a while hidden (window.ts), so a hidden
// window without a page is kept on Windows to hear the event, and the agent is stopped
// synchronously: the database is closed before the handler returns.
import type { Logger } from '../core/log.js';
import { createSecureWindow } from './security.js';

export function setupSessionEnd(stopNow: () => void, log: Logger, platform: NodeJS.Platform = process.platform): void {
  if (platform !== 'win32') return;
  const listener = createSecureWindow({ show: false, width: 1, height: 1, skipTaskbar: true, focusable: false });
  listener.on('session-end', (event) => {
    log.info(`Windows is ending the session (${event.reasons.join(', ') || 'shutdown'}): stopping the agent now`);
    try {
      stopNow();
    } catch (error) {
      log.error(`while stopping for the end of the session: ${(error as Error).message}`);
    }
  });
}
