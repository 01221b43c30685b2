// The log folder and its files. One folder per OS user, the same for the tray app and the
// command-line daemon: Linux $XDG_STATE_HOME/varsync/logs (~/.local/state/varsync/logs),
// macOS ~/Library/Logs/Varsync, Windows %LOCALAPPDATA%\Varsync\logs. Lines go to varsync.log;
// past a size it is renamed varsync.<UTC time>.log, and rotated files go when they are older
// than 7 days or when the newer files already hold 50 MB, so that at least 7 days or 50 MB of
// logs, whichever is smaller, are always kept (and at most about 60 MB: the budget, the rotated
// file that crosses it, and varsync.log growing towards its next rotation).
import { copyFileSync, readdirSync, renameSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export const LOG_FILE_NAME = 'varsync.log';

export interface LogRetention {
  /** varsync.log is rotated when it grows past this. */
  maxFileBytes: number;
  /** Rotated files are deleted once the newer files hold this much... */
  maxTotalBytes: number;
  /** ...or once they are older than this. */
  maxAgeMs: number;
}

export const LOG_RETENTION: LogRetention = {
  maxFileBytes: 5 * 1024 * 1024,
  maxTotalBytes: 50 * 1024 * 1024,
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
};

export interface LogFileInfo {
  name: string;
  path: string;
  size: number;
  /** When a rotated file was rotated (its last line); undefined for varsync.log. */
  rotatedAt: number | undefined;
}

const ROTATED_NAME = /^varsync\.(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d)-(\d{3}Z)(?:-(\d+))?\.log$/;

/** The OS's place for this user's Varsync logs. */
export function defaultLogDir(env: NodeJS.ProcessEnv = process.env, os: NodeJS.Platform = platform()): string {
  if (os === 'win32') return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'Varsync', 'logs');
  if (os === 'darwin') return join(homedir(), 'Library', 'Logs', 'Varsync');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'varsync', 'logs');
}

/** varsync.log first, then the rotated files, newest first. Other files in the folder are left out. */
export function listLogFiles(dir: string): LogFileInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: Array<LogFileInfo & { sequence: number }> = [];
  for (const name of names) {
    const rotated = ROTATED_NAME.exec(name);
    if (name !== LOG_FILE_NAME && !rotated) continue;
    const path = join(dir, name);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      continue; // deleted meanwhile (another process pruned it)
    }
    const rotatedAt = rotated ? Date.parse(`${rotated[1]}:${rotated[2]}:${rotated[3]}.${rotated[4]}`) : undefined;
    files.push({ name, path, size, rotatedAt, sequence: Number(rotated?.[5] ?? 0) });
  }
  files.sort((a, b) => (b.rotatedAt ?? Infinity) - (a.rotatedAt ?? Infinity) || b.sequence - a.sequence);
  return files.map(({ sequence: _sequence, ...file }) => file);
}

/** Rename varsync.log to varsync.<now>.log, then prune. Returns the new name's path. */
export function rotateLogFile(dir: string, now: number, retention: LogRetention = LOG_RETENTION): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  let target = join(dir, `varsync.${stamp}.log`);
  for (let sequence = 1; exists(target); sequence++) target = join(dir, `varsync.${stamp}-${sequence}.log`);
  const active = join(dir, LOG_FILE_NAME);
  try {
    renameSync(active, target);
  } catch {
    // Windows refuses to rename a file another process holds open: copy it, then empty it.
    copyFileSync(active, target);
    truncateSync(active, 0);
  }
  pruneLogFiles(dir, now, retention);
  return target;
}

/** Delete rotated files that are too old, or beyond the size budget; returns the deleted paths. */
export function pruneLogFiles(dir: string, now: number, retention: LogRetention = LOG_RETENTION): string[] {
  const files = listLogFiles(dir);
  let newerBytes = 0;
  const deleted: string[] = [];
  for (const file of files) {
    const tooOld = file.rotatedAt !== undefined && now - file.rotatedAt > retention.maxAgeMs;
    const overBudget = file.rotatedAt !== undefined && newerBytes >= retention.maxTotalBytes;
    if (tooOld || overBudget) {
      try {
        unlinkSync(file.path);
        deleted.push(file.path);
      } catch {
        // Already gone, or not ours to delete: try again at the next rotation.
      }
      continue;
    }
    newerBytes += file.size;
  }
  return deleted;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
