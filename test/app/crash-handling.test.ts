// Errors nothing caught in the main process: logged (redacted), told in one plain dialog; an
// uncaught exception stops the app cleanly, a rejected promise does not.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CRASH_EXIT_AFTER_MS, setupCrashHandling } from '../../main/app/crash-handling.js';
import { app, dialog, resetFakeElectron } from './helpers/fake-electron.js';
import { recordingLogger } from './helpers/logger.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

let process: EventEmitter;
let log: ReturnType<typeof recordingLogger>;

beforeEach(() => {
  resetFakeElectron();
  vi.useFakeTimers();
  process = new EventEmitter();
  log = recordingLogger();
  setupCrashHandling(log, '/home/u/.local/state/varsync/logs', process);
});
afterEach(() => vi.useRealTimers());

describe('an uncaught exception', () => {
  it('is logged with its stack, told in one dialog without it, and stops the app through a clean quit', () => {
    process.emit('uncaughtException', new Error('cannot read x of undefined'));
    expect(log.lines[0]).toMatch(/^error unexpected error: Error: cannot read x of undefined\n {4}at /);
    expect(dialog.errors).toEqual([
      {
        title: 'Varsync ran into a problem',
        content:
          'Varsync stopped after an unexpected error. Nothing that was queued is lost; start it again.\n\nThe details are in the log, in /home/u/.local/state/varsync/logs.',
      },
    ]);
    expect(app.quitRequests).toBe(1);
    expect(app.exitCode).toBeUndefined();

    process.emit('uncaughtException', new Error('again, while stopping'));
    expect(log.lines).toHaveLength(2);
    expect(dialog.errors).toHaveLength(1);
    expect(app.quitRequests).toBe(1);
  });

  it('ends the process if the clean stop does not finish', () => {
    app.on('will-quit', (event: { preventDefault(): void }) => event.preventDefault()); // a stop that hangs
    process.emit('uncaughtException', new Error('boom'));
    vi.advanceTimersByTime(CRASH_EXIT_AFTER_MS);
    expect(app.exitCode).toBe(1);
  });
});

describe('a rejected promise nobody awaited', () => {
  it('is logged and told once; the app keeps running', () => {
    process.emit('unhandledRejection', new Error('write failed'));
    process.emit('unhandledRejection', 'a plain reason');
    expect(log.lines[0]).toMatch(/^error unexpected error \(it keeps running\): Error: write failed\n/);
    expect(log.lines[1]).toBe('error unexpected error (it keeps running): a plain reason');
    expect(dialog.errors).toHaveLength(1);
    expect(dialog.errors[0]!.content).toMatch(/^Varsync ran into an unexpected error and keeps running\./);
    expect(app.quitRequests).toBe(0);
  });
});
