// What can still be read from a damaged database, carried into the fresh one: values waiting to
// be sent are queued again (in their order), refused ones stay refused, confirmed ones stay
// confirmed, and the bookkeeping in meta (which vendor initial variables were applied, the paused
// switch) is kept, so a recovery neither loses what was queued nor re-queues vendor defaults.
// The damaged file is only read (opened read-only); rows past a damaged page are reached by
// seeking beyond it, so one bad page costs the rows on it, not the whole table.
import Database from 'better-sqlite3';
import { nameProblem, valueProblem } from '../../../shared/variables.js';
import { META_KEYS } from './meta-keys.js';

export interface Salvage {
  /** Values that were waiting to be sent: queued again. */
  pending: number;
  /** Values the server had refused: kept as refused. */
  failed: number;
  /** Values the server had confirmed: kept as confirmed. */
  confirmed: number;
  /** False when some rows or tables could not be read (or held invalid data). */
  complete: boolean;
}

const MAX_ROWS_PER_TABLE = 1_000_000;
/** How many times to seek past damage in one table before giving up on the rest of it. */
const MAX_SKIPS = 64;
/** Meta keys not carried over: the fresh file numbers sets afresh, and a sync request is a one-off. */
const META_NOT_CARRIED = new Set<string>([META_KEYS.lastSeq, META_KEYS.syncRequest]);

type Row = Record<string, unknown>;

export function salvageInto(
  damagedPath: string,
  fresh: Database.Database,
  now: number,
  nativeBinding?: string,
): Salvage {
  const none: Salvage = { pending: 0, failed: 0, confirmed: 0, complete: false };
  let source: Database.Database;
  try {
    source = new Database(damagedPath, { readonly: true, fileMustExist: true, nativeBinding });
    // A truncated file declares more pages than it has, and SQLite refuses it as a whole unless the
    // schema is "writable", which better-sqlite3's defensive mode forbids; nothing is written (the
    // connection is read-only). Checking every cell's size guards against reading nonsense.
    source.unsafeMode(true);
    source.pragma('writable_schema = ON');
    source.pragma('cell_size_check = ON');
  } catch {
    return none;
  }
  try {
    const outbox = readRows(source, 'outbox', 'name, value, seq, queued_at');
    const deadLetters = readRows(
      source,
      'dead_letters',
      'name, value, code, message, attempts, queued_at, first_failed_at, last_failed_at',
    );
    const confirmed = readRows(source, 'confirmed', 'name, value, device_id, created_at, changed_at, synced_at');
    const meta = readRows(source, 'meta', 'key, value');
    const kept = fresh
      .transaction(() => {
        restoreMeta(fresh, meta.rows);
        return {
          pending: requeue(fresh, outbox.rows, now),
          failed: restoreDeadLetters(fresh, deadLetters.rows, now),
          confirmed: restoreConfirmed(fresh, confirmed.rows, now),
        };
      })
      .immediate();
    const readAll = outbox.complete && deadLetters.complete && confirmed.complete && meta.complete;
    const keptAll =
      kept.pending === outbox.rows.length &&
      kept.failed === deadLetters.rows.length &&
      kept.confirmed === confirmed.rows.length;
    return { ...kept, complete: readAll && keptAll };
  } finally {
    source.close();
  }
}

/** Rows of a table in rowid order, as many as can be read; `complete` is false when some could not. */
function readRows(db: Database.Database, table: string, columns: string): { rows: Row[]; complete: boolean } {
  const rows: Row[] = [];
  let complete = true;
  let after = Number.MIN_SAFE_INTEGER;
  let jump = 1;
  for (let skips = 0; skips <= MAX_SKIPS; skips++) {
    const before = rows.length;
    try {
      const statement = db.prepare<[number], Row>(
        `SELECT rowid AS rowid_, ${columns} FROM ${table} WHERE rowid > ? ORDER BY rowid`,
      );
      for (const row of statement.iterate(after)) {
        rows.push(row);
        after = Number(row.rowid_);
        if (rows.length >= MAX_ROWS_PER_TABLE) return { rows, complete: false };
      }
      return { rows, complete };
    } catch {
      complete = false;
      // Seek past the damaged page: step beyond the last rowid read, doubling while it still fails.
      if (rows.length > before) jump = 1;
      if (after === Number.MIN_SAFE_INTEGER) after = 0;
      after += jump;
      jump *= 2;
    }
  }
  return { rows, complete: false };
}

function variable(row: Row): { name: string; json: string } | undefined {
  if (typeof row.name !== 'string' || typeof row.value !== 'string' || nameProblem(row.name)) return undefined;
  try {
    return valueProblem(JSON.parse(row.value)) ? undefined : { name: row.name, json: row.value };
  } catch {
    return undefined;
  }
}

const time = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

function requeue(db: Database.Database, rows: Row[], now: number): number {
  const insert = db.prepare(
    'INSERT INTO outbox (name, value, seq, queued_at, attempts) VALUES (?, ?, ?, ?, 0) ON CONFLICT (name) DO NOTHING',
  );
  // Oldest set first, as they were queued; each gets a new sequence number in that order.
  const ordered = [...rows].sort((a, b) => time(a.seq, 0) - time(b.seq, 0));
  let seq = 0;
  for (const row of ordered) {
    const entry = variable(row);
    if (entry && insert.run(entry.name, entry.json, seq + 1, time(row.queued_at, now)).changes === 1) seq++;
  }
  db.prepare('UPDATE meta SET value = ? WHERE key = ?').run(String(seq), META_KEYS.lastSeq);
  return seq;
}

function restoreDeadLetters(db: Database.Database, rows: Row[], now: number): number {
  const insert = db.prepare(
    `INSERT INTO dead_letters (name, value, code, message, attempts, queued_at, first_failed_at, last_failed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
  );
  let count = 0;
  for (const row of rows) {
    const entry = variable(row);
    if (!entry) continue;
    const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);
    count += insert.run(
      entry.name,
      entry.json,
      text(row.code, 'unknown'),
      text(row.message, 'refused by the server (recovered from a damaged database)'),
      time(row.attempts, 1),
      time(row.queued_at, now),
      time(row.first_failed_at, now),
      time(row.last_failed_at, now),
    ).changes;
  }
  return count;
}

function restoreConfirmed(db: Database.Database, rows: Row[], now: number): number {
  // seq 0: any value acknowledged from now on is newer than these.
  const insert = db.prepare(
    `INSERT INTO confirmed (name, value, seq, device_id, created_at, changed_at, synced_at)
     VALUES (?, ?, 0, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
  );
  let count = 0;
  for (const row of rows) {
    const entry = variable(row);
    if (!entry) continue;
    const optional = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
    count += insert.run(
      entry.name,
      entry.json,
      optional(row.device_id),
      optional(row.created_at),
      time(row.changed_at, now),
      time(row.synced_at, now),
    ).changes;
  }
  return count;
}

function restoreMeta(db: Database.Database, rows: Row[]): void {
  const put = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  for (const row of rows) {
    if (typeof row.key === 'string' && typeof row.value === 'string' && !META_NOT_CARRIED.has(row.key))
      put.run(row.key, row.value);
  }
}
