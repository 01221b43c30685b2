// The store's SQL, prepared once per connection, and the rows it reads. Values are kept as JSON
// text; the outbox, confirmed and dead_letters tables are keyed by variable name (migrations.ts).
import type Database from 'better-sqlite3';
import { META_KEYS } from './meta-keys.js';

export interface OutboxRow {
  name: string;
  value: string;
  seq: number;
  queued_at: number;
  attempts: number;
}

export interface ConfirmedRow {
  name: string;
  value: string;
  changed_at: number;
  synced_at: number;
}

export interface DeadLetterRow {
  name: string;
  value: string;
  code: string;
  message: string;
  attempts: number;
  queued_at: number;
  first_failed_at: number;
  last_failed_at: number;
}

export interface HistoryRow {
  started_at: number;
  finished_at: number;
  outcome: string;
  sent: number;
  requests: number;
  code: string | null;
  kind: string | null;
  message: string | null;
  correlation_id: string;
  trigger: string | null;
  pending: number | null;
}

export type Statements = ReturnType<typeof prepareStatements>;

/** Every name the view shows: confirmed, pending or refused, once each. */
const ALL_NAMES = 'SELECT name FROM confirmed UNION SELECT name FROM outbox UNION SELECT name FROM dead_letters';

export function prepareStatements(db: Database.Database) {
  return {
    nextSeq: db.prepare<[], { value: string }>(
      `UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = '${META_KEYS.lastSeq}' RETURNING value`,
    ),
    pendingValue: db.prepare<[string], { value: string }>('SELECT value FROM outbox WHERE name = ?'),
    confirmedValue: db.prepare<[string], { value: string }>('SELECT value FROM confirmed WHERE name = ?'),
    upsertOutbox: db.prepare(
      `INSERT INTO outbox (name, value, seq, queued_at, attempts) VALUES (@name, @value, @seq, @queuedAt, 0)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, seq = excluded.seq, queued_at = excluded.queued_at, attempts = 0`,
    ),
    deleteDeadLetter: db.prepare<[string]>('DELETE FROM dead_letters WHERE name = ?'),
    isDeadLetter: db.prepare<[string], { name: string }>('SELECT name FROM dead_letters WHERE name = ?'),
    pending: db.prepare<[number], OutboxRow>(
      'SELECT name, value, seq, queued_at, attempts FROM outbox ORDER BY seq LIMIT ?',
    ),
    pendingCount: db.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM outbox'),
    deadLetterCount: db.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM dead_letters'),
    deleteIfSeq: db.prepare<[string, number]>('DELETE FROM outbox WHERE name = ? AND seq = ?'),
    countAttempt: db.prepare<[string, number]>('UPDATE outbox SET attempts = attempts + 1 WHERE name = ? AND seq = ?'),
    upsertConfirmed: db.prepare(
      `INSERT INTO confirmed (name, value, seq, device_id, created_at, changed_at, synced_at)
       VALUES (@name, @value, @seq, @deviceId, @createdAt, @changedAt, @syncedAt)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, seq = excluded.seq, device_id = excluded.device_id,
         created_at = excluded.created_at, changed_at = excluded.changed_at, synced_at = excluded.synced_at
       WHERE excluded.seq >= confirmed.seq`,
    ),
    insertDeadLetter: db.prepare(
      `INSERT INTO dead_letters (name, value, code, message, attempts, queued_at, first_failed_at, last_failed_at)
       VALUES (@name, @value, @code, @message, @attempts, @queuedAt, @at, @at)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, code = excluded.code, message = excluded.message,
         attempts = dead_letters.attempts + excluded.attempts, queued_at = excluded.queued_at, last_failed_at = excluded.last_failed_at`,
    ),
    deadLetters: db.prepare<[], DeadLetterRow>('SELECT * FROM dead_letters ORDER BY name'),
    confirmedAll: db.prepare<[], ConfirmedRow>('SELECT name, value, changed_at, synced_at FROM confirmed'),
    outboxAll: db.prepare<[], OutboxRow>('SELECT name, value, seq, queued_at, attempts FROM outbox'),
    // The first screen (VariableStore.firstViews): names in SQLite's order, the names that UTF-16's
    // order may put earlier (GLOB pattern), how many names there are, and the rows of some names
    // (a JSON array of them).
    firstNames: db.prepare<[number], string>(`SELECT name FROM (${ALL_NAMES}) ORDER BY name LIMIT ?`).pluck(),
    namesLike: db.prepare<[string], string>(`SELECT name FROM (${ALL_NAMES}) WHERE name GLOB ?`).pluck(),
    nameCount: db.prepare<[], number>(`SELECT COUNT(*) FROM (${ALL_NAMES})`).pluck(),
    confirmedNamed: db.prepare<[string], ConfirmedRow>(
      'SELECT name, value, changed_at, synced_at FROM confirmed WHERE name IN (SELECT value FROM json_each(?))',
    ),
    outboxNamed: db.prepare<[string], OutboxRow>(
      'SELECT name, value, seq, queued_at, attempts FROM outbox WHERE name IN (SELECT value FROM json_each(?))',
    ),
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    insertHistory: db.prepare(
      `INSERT INTO sync_history (started_at, finished_at, outcome, sent, requests, code, kind, message, correlation_id, trigger, pending)
       VALUES (@startedAt, @finishedAt, @outcome, @sent, @requests, @code, @kind, @message, @correlationId, @trigger, @pending)`,
    ),
    trimHistory: db.prepare<[number]>('DELETE FROM sync_history WHERE id <= (SELECT MAX(id) FROM sync_history) - ?'),
    history: db.prepare<[number], HistoryRow>('SELECT * FROM sync_history ORDER BY id DESC LIMIT ?'),
    lastEvent: db.prepare<[string], { at: number; detail: string }>(
      'SELECT at, detail FROM events WHERE kind = ? ORDER BY id DESC LIMIT 1',
    ),
    insertEvent: db.prepare<[number, string, string]>('INSERT INTO events (at, kind, detail) VALUES (?, ?, ?)'),
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
  };
}
