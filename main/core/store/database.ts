// Opening the agent's SQLite file: WAL, synchronous=FULL, migrations by user_version and an
// integrity check. A corrupt file is moved aside (kept, never deleted or written), what can still
// be read from it is carried into a fresh one (salvage.ts), and the caller records the event so
// that status can report it. Every failure comes out as a StoreError that names the file.
import { mkdirSync, renameSync, existsSync, accessSync, constants, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { salvageInto, type Salvage } from './salvage.js';
import { StoreError, toStoreError } from './errors.js';
import { failureCode } from '../failure-code.js';

export { StoreError } from './errors.js';

export const DATABASE_FILE = 'varsync.db';
const BUSY_TIMEOUT_MS = 5_000;

export interface DatabaseRecovery {
  /** Where the unreadable file was moved. */
  movedTo: string;
  reason: string;
  at: number;
  /** What could be read from it and was carried into the fresh file. */
  salvaged?: Salvage;
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
    if (!isCorruption(error)) throw toStoreError(error, path);
    const at = now();
    const reason = describeCorruption(error);
    const movedTo = moveAside(path, at, reason);
    let db: Database.Database | undefined;
    try {
      db = openChecked();
      const salvaged = salvageInto(movedTo, db, at, nativeBinding);
      return { db, path, recovery: { movedTo, reason, at, salvaged } };
    } catch (freshError) {
      // Back to where we started (the damaged file in place), so that the next start tries again
      // and reports it; the fresh file holds nothing but what was just copied into it.
      db?.close();
      restoreDamaged(movedTo, path);
      throw toStoreError(freshError, path);
    }
  }
}

/** One line for the log and the command line: what happened to the file and what was kept. */
export function describeRecovery(recovery: DatabaseRecovery): string {
  const salvaged = recovery.salvaged;
  const kept = !salvaged
    ? ''
    : salvaged.pending + salvaged.failed + salvaged.confirmed === 0
      ? '; nothing could be read from it'
      : `; recovered from it ${salvaged.pending} pending, ${salvaged.failed} refused and ${salvaged.confirmed} confirmed value(s)${salvaged.complete ? '' : ' (some rows could not be read)'}`;
  return `the database was unreadable (${recovery.reason}); kept it as ${recovery.movedTo} and started a fresh one${kept}`;
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
function moveAside(path: string, at: number, reason: string): string {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  const target = `${path}.corrupt-${stamp}`;
  try {
    // The WAL first: if the main file cannot be moved, nothing was moved away from it.
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
    }
    renameSync(path, target);
  } catch (error) {
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(target + suffix) && !existsSync(path + suffix)) renameSync(target + suffix, path + suffix);
    }
    const code = failureCode(error) ?? 'error';
    throw new StoreError(
      'database_corrupt',
      `the database ${path} is damaged (${reason}) and could not be moved aside (${code})`,
      'make the data folder writable so that Varsync can keep it aside and start a fresh one, or move the file away yourself',
      code,
    );
  }
  return target;
}

function restoreDamaged(movedTo: string, path: string): void {
  try {
    for (const suffix of ['-wal', '-shm', '']) rmSync(path + suffix, { force: true });
    for (const suffix of ['-wal', '-shm', ''])
      if (existsSync(movedTo + suffix)) renameSync(movedTo + suffix, path + suffix);
  } catch {
    // The damaged file stays kept under its new name; the error being thrown says what failed.
  }
}

function prepareDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    // A folder without a database must be writable to start one; with a database in it, opening
    // goes on, so that reading works and a write that fails says precisely what is read-only.
    const needed = existsSync(join(dataDir, DATABASE_FILE))
      ? constants.R_OK | constants.X_OK
      : constants.R_OK | constants.W_OK;
    accessSync(dataDir, needed);
  } catch (error) {
    const code = failureCode(error) ?? 'error';
    throw new StoreError(
      'data_dir_unusable',
      `the data folder ${dataDir} cannot be used (${code})`,
      'make it writable, or choose another data folder (`varsync config` shows where dataDir comes from; VARSYNC_DATA_DIR sets it unless a policy enforces it)',
      code,
    );
  }
}
