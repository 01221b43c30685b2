// Opening the agent's SQLite file: WAL, synchronous=FULL, migrations by user_version and an
// integrity check. A corrupt file is moved aside (kept, never deleted) and a fresh one created;
// the caller records the event in the new file so that status can report it.
import { mkdirSync, renameSync, existsSync, accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';

export const DATABASE_FILE = 'varsync.db';
const BUSY_TIMEOUT_MS = 5_000;

/** A condition the agent cannot work around: the message says what to do. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface DatabaseRecovery {
  /** Where the unreadable file was moved. */
  movedTo: string;
  reason: string;
  at: number;
}

export interface OpenedDatabase {
  db: Database.Database;
  path: string;
  recovery: DatabaseRecovery | undefined;
}

export function openDatabase(dataDir: string, now: () => number = Date.now, nativeBinding?: string): OpenedDatabase {
  prepareDataDir(dataDir);
  const path = join(dataDir, DATABASE_FILE);
  const openChecked = (): Database.Database => openAndCheck(path, nativeBinding);
  try {
    return { db: openChecked(), path, recovery: undefined };
  } catch (error) {
    if (!isCorruption(error)) throw asStoreError(error, path);
    const at = now();
    const movedTo = moveAside(path, at);
    const db = openChecked();
    return { db, path, recovery: { movedTo, reason: describeCorruption(error), at } };
  }
}

function openAndCheck(path: string, nativeBinding: string | undefined): Database.Database {
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS, nativeBinding });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new CorruptionError(`integrity check: ${String(check)}`);
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

class CorruptionError extends Error {}

function isCorruption(error: unknown): boolean {
  if (error instanceof CorruptionError) return true;
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code?.startsWith('SQLITE_CORRUPT_') === true;
}

function describeCorruption(error: unknown): string {
  if (error instanceof CorruptionError) return error.message;
  return `${(error as { code?: string }).code ?? 'unreadable'}: ${(error as Error).message}`;
}

/** Keep the damaged file (and its WAL) beside the new one, with a timestamp in the name. */
function moveAside(path: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  const target = `${path}.corrupt-${stamp}`;
  renameSync(path, target);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  }
  return target;
}

function prepareDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.R_OK | constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new StoreError(
      `The data folder ${dataDir} cannot be used (${code}); make it writable or choose another with VARSYNC_DATA_DIR.`,
      'data_dir_unusable',
    );
  }
}

function asStoreError(error: unknown, path: string): StoreError {
  const code = (error as { code?: string }).code ?? 'error';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreError(`The database ${path} is locked by another process; close it or try again.`, 'database_locked');
  }
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new StoreError(`The database ${path} cannot be written (${code}); check the permissions of the data folder.`, 'database_readonly');
  }
  if (code === 'SQLITE_FULL') return new StoreError(`The disk holding ${path} is full; free some space.`, 'disk_full');
  return new StoreError(`The database ${path} cannot be opened (${code}: ${(error as Error).message}).`, 'database_error');
}
