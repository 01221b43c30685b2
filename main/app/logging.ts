// The shell's log file, for support: one line per event with a UTC timestamp, in the OS's logs
// folder (app.getPath('logs')), which "Open logs folder" shows. The file is rotated once at start
// when it grows past a few megabytes, so it never fills a disk.
import { app, shell } from 'electron';
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createStreamLogger, type Logger, type LogLevel } from '../core/log.js';

export const LOG_FILE_NAME = 'varsync.log';
const ROTATE_AT_BYTES = 5 * 1024 * 1024;

export interface LogFile {
  dir: string;
  path: string;
  /** A logger writing to the file at this level (and to stdout from a checkout). */
  logger(level: LogLevel): Logger;
  /** Show the logs folder in the file manager; false if the OS could not. */
  openFolder(): Promise<boolean>;
}

export function setupLogFile(dir: string = app.getPath('logs')): LogFile {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOG_FILE_NAME);
  try {
    if (statSync(path).size > ROTATE_AT_BYTES) renameSync(path, join(dir, 'varsync.1.log'));
  } catch {
    // No log yet.
  }
  const echo = !app.isPackaged;
  // Appending synchronously keeps the last lines before a crash; the agent logs a few lines a minute.
  const write = (line: string) => {
    try {
      appendFileSync(path, line);
    } catch {
      // A full or read-only disk must not stop the agent.
    }
    if (echo) process.stdout.write(line);
  };
  return {
    dir,
    path,
    logger: (level) => createStreamLogger(level, write),
    openFolder: async () => (await shell.openPath(dir)) === '',
  };
}
