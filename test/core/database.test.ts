// The database file: pragmas and schema at open, a corrupt file moved aside (kept) and reported,
// and clear errors for folders that cannot be used. Real SQLite files throughout.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase, StoreError } from '../../main/core/store/database.js';
import { applyMigrations, SCHEMA_VERSION } from '../../main/core/store/migrations.js';
import { VariableStore } from '../../main/core/store/variable-store.js';
import { Agent } from '../../main/core/agent.js';
import { objectLayer, resolveConfig } from '../../main/core/config/resolve.js';
import { tempDir } from '../helpers/agent.js';

const localConfig = (dataDir: string) => resolveConfig([objectLayer('flag', { dataDir }, 'test')]);

describe('opening the database', () => {
  it('uses WAL, synchronous=FULL and the current schema', () => {
    const { db } = openDatabase(tempDir());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('migrates a new file once when two connections found it new together (daemon start beside a command)', () => {
    const path = join(tempDir(), 'race.db');
    const late = new Database(path);
    const early = new Database(path);
    // Both read version 0; the early one migrates first, then the late one goes on with what it read.
    expect(late.pragma('user_version', { simple: true })).toBe(0);
    applyMigrations(early);
    expect(() => applyMigrations(late)).not.toThrow();
    expect(late.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    new VariableStore(late, Date.now).set({ a: 1 });
    expect(new VariableStore(early, Date.now).pendingCount()).toBe(1);
    early.close();
    late.close();
  });

  it('keeps what was queued across a reopen', () => {
    const dataDir = tempDir();
    const first = openDatabase(dataDir);
    new VariableStore(first.db, Date.now).set({ a: 1, b: 'two' });
    first.db.close();
    const second = openDatabase(dataDir);
    expect(new VariableStore(second.db, Date.now).pending(10).map((entry) => [entry.name, entry.value])).toEqual([
      ['a', 1],
      ['b', 'two'],
    ]);
    second.db.close();
  });

  it.each([
    ['garbage', () => Buffer.from('this is not a database at all, just some text '.repeat(200))],
    ['a truncated database', (original: Buffer) => original.subarray(0, 1500)],
  ])('moves %s aside, keeps it, starts fresh, and reports it in status', async (_what, damage) => {
    const dataDir = tempDir();
    const agent = Agent.open({ config: localConfig(dataDir) });
    agent.set(Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`name-${index}`, 'x'.repeat(200)])));
    await agent.close();
    const path = join(dataDir, DATABASE_FILE);
    for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) writeFileSync(path + suffix, '');
    const damaged = damage(readFileSync(path));
    writeFileSync(path, damaged);

    const reopened = Agent.open({ config: localConfig(dataDir) });
    const status = reopened.status();
    expect(status.database.recovered).toMatchObject({ movedTo: expect.stringContaining(`${DATABASE_FILE}.corrupt-`) });
    expect(readFileSync(status.database.recovered!.movedTo)).toEqual(damaged);
    expect(readdirSync(dataDir).filter((name) => name.includes('.corrupt-'))).toContain(
      status.database.recovered!.movedTo.split('/').pop(),
    );
    reopened.set({ after: 'recovery' });
    expect(reopened.variables().map((variable) => variable.name)).toEqual(['after']);
    await reopened.close();
    // The report survives a restart.
    const again = Agent.open({ config: localConfig(dataDir) });
    expect(again.status().database.recovered?.movedTo).toBe(status.database.recovered!.movedTo);
    await again.close();
  });

  it('refuses a folder it cannot use with a message that says what to do', () => {
    const file = join(tempDir(), 'plain-file');
    writeFileSync(file, '');
    expect(() => openDatabase(join(file, 'data'))).toThrow(StoreError);
    expect(() => openDatabase(join(file, 'data'))).toThrow(
      /cannot be used \(ENOTDIR\); make it writable, or choose another data folder/,
    );
  });

  it('reports a database locked by another process instead of waiting forever', () => {
    const dataDir = tempDir();
    openDatabase(dataDir).db.close();
    const other = new Database(join(dataDir, DATABASE_FILE));
    other.pragma('locking_mode = EXCLUSIVE');
    other.exec('BEGIN EXCLUSIVE');
    try {
      const started = Date.now();
      expect(() => openDatabase(dataDir)).toThrow(/is locked by another process/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  }, 20_000);

  it('refuses a database from a newer Varsync without touching it', () => {
    const dataDir = tempDir();
    const { db } = openDatabase(dataDir);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => openDatabase(dataDir)).toThrow(/written by a newer Varsync/);
    expect(readdirSync(dataDir).some((name) => name.includes('.corrupt-'))).toBe(false);
  });
});
