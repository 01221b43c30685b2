// Living in the tray: closing the last window does not quit; Quit (the tray menu, and on macOS the
// system's shutdown, which quits apps) stops the agent cleanly before the process ends, so no pass
// is cut off half-way and the database is closed. Windows' shutdown and log-off emit no quit
// events at all: session-end.ts handles them. A start-up failure is shown in plain words, logged,
// and ends the app.
import { app, dialog } from 'electron';
import type { Logger } from '../core/log.js';

export function setupLifecycle(shutdown: () => Promise<void>, log: Logger): void {
  app.on('window-all-closed', () => {
    // Stay in the tray.
  });
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('will-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    log.info('quitting: stopping the agent');
    shutdown()
      .catch((error: Error) => log.error(`while quitting: ${error.message}`))
      .finally(() => {
        state = 'stopped';
        app.quit();
      });
  });
}

export function failStartup(error: unknown, log: Logger): void {
  const message = error instanceof Error ? error.message : String(error);
  log.error(`cannot start: ${message}`);
  dialog.showErrorBox('Varsync cannot start', message);
  app.exit(2);
}
