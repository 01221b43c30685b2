// Errors nothing caught. Without a handler, Electron answers an uncaught exception in the main
// process with a modal holding the raw stack (which may name a path, a URL with a token or a
// value) and writes nothing to the log. Here the log gets the stack, redacted like every line; the
// user gets one plain dialog saying where the details are. An uncaught exception leaves the
// process in an unknown state, so the app stops (cleanly: app.quit stops the agent and closes the
// database, main/app/lifecycle.ts); a rejected promise nobody awaited broke one operation only,
// so the app goes on.
import { app, dialog } from 'electron';
import type { Logger } from '../core/log.js';

/** How long a clean stop after a crash may take before the process is ended anyway. */
export const CRASH_EXIT_AFTER_MS = 10_000;

export function setupCrashHandling(log: Logger, logsDir: string, target: NodeJS.EventEmitter = process): void {
  let stopping = false;
  let told = false;
  const tell = (what: string) => {
    if (told) return;
    told = true;
    dialog.showErrorBox('Varsync ran into a problem', `${what}\n\nThe details are in the log, in ${logsDir}.`);
  };
  target.on('uncaughtException', (error: unknown) => {
    log.error(`unexpected error: ${describe(error)}`);
    if (stopping) return;
    stopping = true;
    tell('Varsync stopped after an unexpected error. Nothing that was queued is lost; start it again.');
    setTimeout(() => app.exit(1), CRASH_EXIT_AFTER_MS).unref();
    app.quit();
  });
  target.on('unhandledRejection', (reason: unknown) => {
    log.error(`unexpected error (it keeps running): ${describe(reason)}`);
    tell('Varsync ran into an unexpected error and keeps running.');
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}
