// What a failure of the database means, in one line that names the file and says what to do.
// Every SQLite or file-system failure of the store goes through toStoreError(), so the command
// line, the daemon's log and status all say the same thing.
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { explained, type Explanation } from '../../../shared/explanations.js';
import { lockHolders } from './lock-holders.js';
import { failureCode } from '../failure-code.js';

export type StoreProblemCode =
  | 'database_locked'
  | 'database_readonly'
  | 'disk_full'
  | 'database_io_error'
  | 'database_corrupt'
  | 'database_newer'
  | 'data_dir_unusable'
  | 'database_error';

/** A condition of the database or its folder; the message names the file and what to do. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreProblemCode,
    /** What is wrong, starting in lower case ("the disk holding … is full (SQLITE_FULL)"). */
    readonly reason: string,
    /** What to do, starting in lower case. */
    readonly action: string,
    /** The underlying SQLite or system code (SQLITE_FULL, EPERM, ...). */
    readonly systemCode?: string,
    context?: string,
  ) {
    super(context ? `${context}: ${reason}; ${action}.` : `${capitalize(reason)}; ${action}.`);
  }

  /** The same problem said about one operation: "not queued: the disk holding … is full; …". */
  during(context: string): StoreError {
    return new StoreError(this.code, this.reason, this.action, this.systemCode, context);
  }

  /** Two sentences for status (varsync status; the window says its code's catalog words). */
  get explanation(): Pick<Explanation, 'reason' | 'action'> {
    return { reason: `${capitalize(this.reason)}.`, action: `${capitalize(this.action)}.` };
  }
}

function isStorageFailure(error: unknown): boolean {
  if (error instanceof StoreError) return true;
  const code = failureCode(error);
  return (
    code !== undefined && (code.startsWith('SQLITE_') || code === 'VARSYNC_NEWER_SCHEMA' || /^E[A-Z]+$/.test(code))
  );
}

/** A failure of the database at `path` as a StoreError; anything else (a bug) is returned as it is. */
export function toStoreError(error: unknown, path: string): unknown {
  if (error instanceof StoreError || !isStorageFailure(error)) return error;
  const code = failureCode(error)!;
  const message = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return lockedError(path, code);
  // Some writes that run out of space surface as I/O errors (growing the WAL index: SQLITE_IOERR_SHMSIZE).
  const outOfSpace =
    (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) &&
    freeBytes(dirname(path)) < LOW_SPACE_BYTES;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || outOfSpace) {
    return new StoreError(
      'disk_full',
      `the disk holding ${path} is full (${code})`,
      'free some space, then try again; what was queued before is kept',
      code,
    );
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreError(
      'database_corrupt',
      `the database ${path} is damaged (${code})`,
      'restart Varsync: it keeps the damaged file beside a fresh one and recovers what it can read from it',
      code,
    );
  }
  if (code === 'VARSYNC_NEWER_SCHEMA') {
    return new StoreError(
      'database_newer',
      `the database ${path}: ${message}`,
      'update Varsync, or choose another data folder with VARSYNC_DATA_DIR',
      code,
    );
  }
  if (code === 'SQLITE_READONLY_DBMOVED') {
    return new StoreError(
      'database_readonly',
      `the database ${path} was moved or deleted while Varsync had it open (${code})`,
      'restart Varsync',
      code,
    );
  }
  const refusedWrite =
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_PERM' ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS';
  const ioFailure = code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || /^E[A-Z]+$/.test(code);
  // A file made read-only under a process that has it open shows up as an I/O error: say which part it is.
  const unwritable = refusedWrite || ioFailure ? unwritablePart(path) : undefined;
  if (unwritable || refusedWrite) {
    const detail = unwritable ?? 'this process opened it while it could not be written, and cannot write it now';
    return new StoreError(
      'database_readonly',
      `the database ${path} cannot be written (${code}): ${detail}`,
      unwritable
        ? 'make the data folder and the files in it writable again'
        : 'restart Varsync now that it is writable',
      code,
    );
  }
  if (ioFailure) {
    return new StoreError(
      'database_io_error',
      `the database ${path} could not be read or written (${code}: ${message})`,
      'check the disk and the data folder, then try again',
      code,
    );
  }
  return new StoreError(
    'database_error',
    `the database ${path} failed (${code}: ${message})`,
    'try again, and see the log if it persists',
    code,
  );
}

/** Below this, a failed write is put down to the full disk. */
const LOW_SPACE_BYTES = 64 * 1024;

/** Space this process may still use on the folder's file system (root may use the reserved blocks too). */
function freeBytes(folder: string): number {
  try {
    const stats = statfsSync(folder);
    return (process.getuid?.() === 0 ? stats.bfree : stats.bavail) * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function lockedError(path: string, code: string): StoreError {
  const pids = lockHolders(path);
  const who = pids.length > 0 ? `another process (pid ${pids.join(', ')})` : 'another process';
  return new StoreError(
    'database_locked',
    `the database ${path} is locked by ${who}`,
    'close the program holding it (another Varsync, a database browser) or try again',
    code,
  );
}

/** Which part of the database cannot be written now, in words ("its folder is read-only (EPERM)"), if any. */
function unwritablePart(path: string): string | undefined {
  const parts: Array<[string, string]> = [
    [path, 'the file'],
    [`${path}-wal`, 'its -wal file'],
    [dirname(path), 'its folder'],
  ];
  for (const [file, words] of parts) {
    if (file !== dirname(path) && !existsSync(file)) continue;
    try {
      accessSync(file, constants.W_OK);
    } catch (error) {
      const code = failureCode(error) ?? 'error';
      return code === 'EROFS' ? `the file system is read-only (${code})` : `${words} is not writable (${code})`;
    }
  }
  return undefined;
}

type ExplainedStorageCode = 'database_locked' | 'database_readonly' | 'disk_full' | 'database_corrupt';
const EXPLAINED_STORAGE_CODES: ReadonlySet<string> = new Set<ExplainedStorageCode>([
  'database_locked',
  'database_readonly',
  'disk_full',
  'database_corrupt',
]);
const isExplained = (code: string): code is ExplainedStorageCode => EXPLAINED_STORAGE_CODES.has(code);

/** Plain words for a storage problem recorded earlier (only its code is known): the engine's last error, another process's. */
export function explainStorageCode(code: string, path: string): Explanation {
  if (!isExplained(code)) {
    return explained(
      { key: 'explain.storage.other.reason', params: { path, code } },
      { key: 'explain.storage.other.action' },
    );
  }
  return explained(
    { key: `explain.storage.${code}.reason`, params: { path } },
    { key: `explain.storage.${code}.action` },
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
