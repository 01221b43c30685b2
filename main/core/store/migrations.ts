// Schema migrations, applied in order by PRAGMA user_version, each in one transaction.
import type Database from 'better-sqlite3';

const MIGRATIONS: string[] = [
  // 1: the outbox, confirmed values, dead letters, sync history, events, the engine lease.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  INSERT INTO meta (key, value) VALUES ('last_seq', '0');

  -- One row per name: the latest value not yet confirmed by the server. seq grows with every set,
  -- so an acknowledgement deletes a row only if it still holds the value that was sent.
  CREATE TABLE outbox (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,            -- JSON: string, number or boolean
    seq INTEGER NOT NULL,           -- no index: one page less to write per set; pending() sorts a small table
    queued_at INTEGER NOT NULL,     -- when this value was set (ms)
    attempts INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE confirmed (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    seq INTEGER NOT NULL,           -- the outbox seq of this value: an older one never replaces it
    device_id INTEGER,
    created_at INTEGER,             -- the server's created_at (ms)
    changed_at INTEGER NOT NULL,    -- when the confirmed value was set locally
    synced_at INTEGER NOT NULL      -- when the server confirmed it
  );

  CREATE TABLE dead_letters (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    queued_at INTEGER NOT NULL,
    first_failed_at INTEGER NOT NULL,
    last_failed_at INTEGER NOT NULL
  );

  CREATE TABLE sync_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    sent INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    code TEXT,
    message TEXT,
    correlation_id TEXT NOT NULL
  );

  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
  );

  -- Which process runs the sync engine. A lease, renewed while alive, so a crashed owner cannot
  -- leave it stuck.
  CREATE TABLE engine_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    owner TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
  // 2: what started each sync attempt, its problem's kind, and what was left pending after it
  // (the window's Activity and its 24-hour chart show them).
  `
  ALTER TABLE sync_history ADD COLUMN trigger TEXT;
  ALTER TABLE sync_history ADD COLUMN kind TEXT;
  ALTER TABLE sync_history ADD COLUMN pending INTEGER;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw Object.assign(
      new Error(`the database was written by a newer Varsync (schema ${current}, this one knows ${SCHEMA_VERSION})`),
      {
        code: 'VARSYNC_NEWER_SCHEMA',
      },
    );
  }
  if (current < SCHEMA_VERSION) applyMigrations(db);
}

/**
 * Each step reads the version again inside its write transaction: two processes opening a new
 * database together (the daemon starting while a command reads) both saw version 0, and the one
 * that wrote second failed on "table meta already exists".
 */
export function applyMigrations(db: Database.Database): void {
  const step = db.transaction((): boolean => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return false;
    db.exec(MIGRATIONS[version]!);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one migration per transaction, until none is left
  }
}
