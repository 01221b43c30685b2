// Database faults, on real SQLite files with real processes: a file truncated or filled with
// garbage, a write lock held by another process, a full disk (a size-limited tmpfs, and
// SQLITE_FULL injected with max_page_count), and files made read-only while the daemon runs.
// Each time the agent must say what is wrong in one line that names the file and what to do,
// keep every value whose set had returned (or read it back from the damaged file), never
// discard the queue, and work again once the condition is gone.
//
// Needs root for two of them (a tmpfs mount, `chattr +i`); without it those are skipped with a
// note, and the injected variants still run. See test/helpers/db-faults.ts.
import { existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { Agent } from '../../main/core/agent.js';
import { objectLayer, resolveConfig } from '../../main/core/config/resolve.js';
import { DATABASE_FILE, openDatabase } from '../../main/core/store/database.js';
import { StoreError } from '../../main/core/store/errors.js';
import { VariableStore } from '../../main/core/store/variable-store.js';
import type { VariableView } from '../../shared/variables.js';
import { emulatorConfig, eventually, tempDir } from '../helpers/agent.js';
import { emulatorEnv, varsync } from '../helpers/cli.js';
import { fillDisk, holdWriteLock, immutableWorks, mountSmallFolder, setImmutable } from '../helpers/db-faults.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';

const cleanups: Array<() => void | Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const canMakeImmutable = immutableWorks();
if (!canMakeImmutable)
  console.log('database faults: chattr +i is not available here (needs root on ext4): the read-only tests are skipped');

/** A data folder for the command line without a server: the store alone. */
function localEnv(dataDir: string): NodeJS.ProcessEnv {
  return { VARSYNC_DATA_DIR: dataDir, XDG_STATE_HOME: join(tempDir(), 'state') };
}

async function variables(env: NodeJS.ProcessEnv): Promise<VariableView[]> {
  const result = await varsync(['get', '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as VariableView[];
}

/** Exactly one line on stderr, and it matches. */
function oneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a damaged database file', () => {
  /**
   * A file whose pending values, refused values and bookkeeping sit on its first pages and whose
   * 3,000 confirmed values fill the rest, so that cutting it in half damages only the latter.
   * `edition` came from the vendor file's initial variables and was then set by the user: if the
   * record of applied initial variables were lost, the next start would queue the vendor's value
   * over the user's.
   */
  async function buildDatabase(
    dataDir: string,
    env: NodeJS.ProcessEnv,
  ): Promise<{ pending: Array<[string, string | number | boolean]> }> {
    const first = openDatabase(dataDir);
    const confirming = new VariableStore(first.db, Date.now);
    confirming.set(
      Object.fromEntries(
        Array.from({ length: 3000 }, (_, index) => [`confirmed-${index}`, `confirmed value ${index}`]),
      ),
    );
    confirming.acknowledge(confirming.pending(5000), []);
    first.db.close();
    expect((await varsync(['set', 'edition=pro'], env)).code).toBe(0);
    const { db } = openDatabase(dataDir);
    const store = new VariableStore(db, Date.now);
    const pending: Array<[string, string | number | boolean]> = Array.from({ length: 40 }, (_, index) => [
      `pending-${String(index).padStart(2, '0')}`,
      index % 3 === 0 ? index : index % 3 === 1 ? `text ${index}` : index % 2 === 0,
    ]);
    // Set one by one, as acknowledged sets would be, in an order that is not the names' order: the
    // queue's order must survive the recovery.
    pending.reverse();
    for (const [name, value] of pending) store.set({ [name]: value });
    store.set({ 'refused-a': 'a', 'refused-b': 'b', 'refused-c': 'c' });
    for (const entry of store.pending(100).filter((item) => item.name.startsWith('refused-')))
      store.deadLetter(entry, 'validation_error', 'refused in the test');
    db.close();
    return { pending: [['edition', 'pro'], ...pending] };
  }

  it('keeps a truncated file aside, says so in one line, and reads back every pending value from it', async () => {
    const dataDir = tempDir();
    const vendorFile = join(tempDir(), 'varsync.vendor.json');
    writeFileSync(vendorFile, JSON.stringify({ variables: { edition: 'trial' } }));
    const env = { ...localEnv(dataDir), VARSYNC_CONFIG: vendorFile };
    const { pending } = await buildDatabase(dataDir, env);
    const path = join(dataDir, DATABASE_FILE);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const size = readFileSync(path).length;
    truncateSync(path, Math.floor(size / 2 / 4096) * 4096);
    const damaged = readFileSync(path);

    const set = await varsync(['set', 'after=recovery'], env);
    expect(set.code).toBe(0);
    oneLine(
      set.stderr,
      /the database was unreadable \((integrity check|SQLITE_CORRUPT): .+\); kept it as .+varsync\.db\.corrupt-[^ ]+ and started a fresh one; recovered from it 41 pending, 3 refused and \d+ confirmed value\(s\) \(some rows could not be read\)/,
    );
    const movedTo = /kept it as (\S+)/.exec(set.stderr)![1]!;
    expect(readFileSync(movedTo)).toEqual(damaged);

    const after = await variables(env);
    const pendingNow = Object.fromEntries(
      after.filter((variable) => variable.state === 'pending').map((variable) => [variable.name, variable.value]),
    );
    expect(pendingNow).toEqual({ ...Object.fromEntries(pending), after: 'recovery' });
    expect(
      after.filter((variable) => variable.state === 'failed').map((variable) => [variable.name, variable.error?.code]),
    ).toEqual([
      ['refused-a', 'validation_error'],
      ['refused-b', 'validation_error'],
      ['refused-c', 'validation_error'],
    ]);
    const confirmed = after.filter((variable) => variable.state === 'synced');
    console.log(
      `truncated file: 41 of 41 pending, 3 of 3 refused and ${confirmed.length} of 3000 confirmed values read back`,
    );
    expect(confirmed.length).toBeGreaterThan(0);
    expect(
      confirmed.every((variable) => variable.value === `confirmed value ${variable.name.slice('confirmed-'.length)}`),
    ).toBe(true);

    // Pending values go out oldest first, as they were set.
    const { db } = openDatabase(dataDir);
    expect(new VariableStore(db, Date.now).pending(100).map((entry) => entry.name)).toEqual([
      ...pending.map(([name]) => name),
      'after',
    ]);
    db.close();

    const status = await varsync(['status'], env);
    expect(status.stdout).toMatch(
      new RegExp(
        `Database: +recovered on .+: the unreadable file was kept as ${escape(movedTo)}; 41 pending, 3 refused and \\d+ confirmed value\\(s\\) were read back from it \\(not all of it was readable\\)`,
      ),
    );
  });

  it('keeps a file of garbage aside, says nothing could be read, and goes on', async () => {
    const dataDir = tempDir();
    const env = localEnv(dataDir);
    const garbage = Buffer.from(Array.from({ length: 64 * 1024 }, (_, index) => (index * 7919 + 13) % 251));
    writeFileSync(join(dataDir, DATABASE_FILE), garbage);
    const set = await varsync(['set', 'first=1'], env);
    expect(set.code).toBe(0);
    oneLine(
      set.stderr,
      /the database was unreadable \(SQLITE_NOTADB: .+\); kept it as .+varsync\.db\.corrupt-\S+ and started a fresh one; nothing could be read from it$/,
    );
    const movedTo = /kept it as (\S+)/.exec(set.stderr)![1]!;
    expect(readFileSync(movedTo)).toEqual(garbage);
    expect((await variables(env)).map((variable) => [variable.name, variable.value, variable.state])).toEqual([
      ['first', '1', 'pending'],
    ]);
  });

  it.skipIf(!canMakeImmutable)(
    'refuses to start on a damaged file it cannot move aside, touching nothing, and recovers once it can',
    async () => {
      const dataDir = tempDir();
      const env = localEnv(dataDir);
      const path = join(dataDir, DATABASE_FILE);
      const damaged = Buffer.from('not a database: '.repeat(4096));
      writeFileSync(path, damaged);
      setImmutable([dataDir], true);
      try {
        const refused = await varsync(['set', 'x=1'], env);
        expect(refused.code).toBe(1);
        oneLine(
          refused.stderr,
          new RegExp(
            `^varsync: The database ${escape(path)} is damaged \\(.+\\) and could not be moved aside \\(EPERM\\); make the data folder writable so that Varsync can keep it aside and start a fresh one, or move the file away yourself\\.$`,
          ),
        );
        expect(readFileSync(path)).toEqual(damaged);
        expect(readdirSync(dataDir).filter((name) => name.includes('corrupt'))).toEqual([]);
      } finally {
        setImmutable([dataDir], false);
      }
      const set = await varsync(['set', 'x=1'], env);
      expect(set.code).toBe(0);
      expect(set.stderr).toMatch(/kept it as .+; nothing could be read from it/);
    },
  );
});

describe('a database locked by another process', () => {
  it('waits out the busy timeout, then refuses the set naming the pid, queues nothing, and works once released', async () => {
    const dataDir = tempDir();
    const env = localEnv(dataDir);
    expect((await varsync(['set', 'before=kept'], env)).code).toBe(0);
    const path = join(dataDir, DATABASE_FILE);
    const holder = await holdWriteLock(path);
    cleanups.push(() => holder.release());
    const refused = await varsync(['set', 'blocked=1'], env);
    expect(refused.code).toBe(1);
    oneLine(
      refused.stderr,
      new RegExp(
        `^varsync: not queued: the database ${escape(path)} is locked by another process \\(pid ${holder.pid}\\); close the program holding it \\(another Varsync, a database browser\\) or try again\\.$`,
      ),
    );
    // Reading still works while the lock is held (WAL): the earlier value is there, the refused one is not.
    expect((await variables(env)).map((variable) => [variable.name, variable.value, variable.state])).toEqual([
      ['before', 'kept', 'pending'],
    ]);
    await holder.release();
    expect((await varsync(['set', 'blocked=1'], env)).code).toBe(0);
    expect((await variables(env)).map((variable) => variable.name)).toEqual(['before', 'blocked']);
  }, 30_000);
});

describe('a full disk', () => {
  const bigValues = (prefix: string) =>
    Array.from({ length: 60 }, (_, index) => `${prefix}-${index}=${'x'.repeat(4000)}`);

  it('injected (max_page_count): the set fails as disk full, nothing of it is queued, and it works when space returns', () => {
    const dataDir = tempDir();
    const { db } = openDatabase(dataDir);
    const store = new VariableStore(db, Date.now);
    store.set({ kept: 'before', other: 2 });
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const big = Object.fromEntries(Array.from({ length: 60 }, (_, index) => [`big-${index}`, 'x'.repeat(4000)]));
    let failure: unknown;
    try {
      store.set(big);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toBe(
      `not queued: the disk holding ${join(dataDir, DATABASE_FILE)} is full (SQLITE_FULL); free some space, then try again; what was queued before is kept.`,
    );
    expect(store.health.problem?.code).toBe('disk_full');
    expect(store.pending(100).map((entry) => [entry.name, entry.value])).toEqual([
      ['kept', 'before'],
      ['other', 2],
    ]);
    db.pragma('max_page_count = 1000000');
    expect(store.set(big).queued).toHaveLength(60);
    expect(store.health.problem).toBeUndefined();
    expect(store.pendingCount()).toBe(62);
    db.close();
  });

  const small = mountSmallFolder(2048);
  if (small) cleanups.push(small.unmount);
  else
    console.log(
      'database faults: cannot mount a size-limited tmpfs here (needs root): the real full-disk test is skipped',
    );

  it.skipIf(!small)(
    'on a 2 MB tmpfs: sets fail with one clear line, the queue stays intact, the agent reports it, and all works once space is freed',
    async () => {
      const dataDir = join(small!.dir, 'data');
      const env = localEnv(dataDir);
      const path = join(dataDir, DATABASE_FILE);
      expect(
        (await varsync(['set', ...Array.from({ length: 20 }, (_, index) => `early-${index}=${index}`)], env)).code,
      ).toBe(0);
      // The desktop window or the daemon has the database open meanwhile.
      const agent = Agent.open({ config: resolveConfig([objectLayer('flag', { dataDir }, 'test')]) });
      cleanups.push(() => agent.close());
      agent.watch();
      const filler = join(small!.dir, 'filler');
      const filled = fillDisk(filler);
      console.log(`full disk: filled the tmpfs with ${Math.round(filled / 1024)} KiB`);

      const refused = await varsync(['set', ...bigValues('big')], env);
      expect(refused.code).toBe(1);
      oneLine(
        refused.stderr,
        new RegExp(
          `^varsync: not queued: the disk holding ${escape(path)} is full \\(SQLITE_FULL\\); free some space, then try again; what was queued before is kept\\.$`,
        ),
      );
      expect(() => agent.set({ inApp: 'x'.repeat(4000), inApp2: 'y'.repeat(4000), inApp3: 'z'.repeat(4000) })).toThrow(
        /^not queued: the disk holding .+ is full/,
      );
      const status = agent.status();
      expect(status).toMatchObject({
        state: 'attention',
        pending: 20,
        lastError: { kind: 'storage', code: 'disk_full' },
      });
      expect(status.explanation!.reason).toBe(`The disk holding ${path} is full (SQLITE_FULL).`);
      expect(agent.variables().map((variable) => variable.name)).toHaveLength(20);

      // With no other connection open, the WAL and its index must be made anew on the full disk: it still says why.
      await agent.close();
      const alone = await varsync(['set', 'x=1'], env);
      expect(alone.code).toBe(1);
      console.log(`full disk, no other connection: ${alone.stderr.trim()}`);
      oneLine(
        alone.stderr,
        new RegExp(`^varsync: (not queued: the disk|The disk) holding ${escape(path)} is full \\(SQLITE_[A-Z_]+`),
      );

      rmSync(filler);
      const early = await variables(env);
      expect(early.map((variable) => [variable.name, variable.value, variable.state])).toEqual(
        Array.from({ length: 20 }, (_, index) => [`early-${index}`, String(index), 'pending']).sort(([a], [b]) =>
          a! < b! ? -1 : 1,
        ),
      );
      expect((await varsync(['set', ...bigValues('big')], env)).code).toBe(0);
      expect(await variables(env)).toHaveLength(80);
    },
    30_000,
  );
});

describe('files made read-only while the daemon runs', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
    cleanups.push(() => emulator.close());
  });

  it.skipIf(!canMakeImmutable)(
    'the daemon reports it in its status and log and keeps running; the command line refuses sets; nothing acknowledged is lost; all resumes once writable',
    async () => {
      const dataDir = tempDir();
      const hardwareId = 'readonly-device-1';
      const env = emulatorEnv(emulator, dataDir, {
        VARSYNC_HARDWARE_ID: hardwareId,
        VARSYNC_LOG_LEVEL: 'info',
        XDG_STATE_HOME: join(tempDir(), 'state'),
      });
      const path = join(dataDir, DATABASE_FILE);
      const readOnly = () => [dataDir, path, `${path}-wal`];
      const running: DaemonProcess = await startDaemon(env);
      cleanups.push(async () => {
        setImmutable(
          readOnly().filter((file) => existsSync(file)),
          false,
        );
        await running.stop();
      });
      const onServer = () => emulator.state.variablesOf(DEMO.product, hardwareId);

      expect((await varsync(['set', 'first=1'], env)).code).toBe(0);
      await eventually(onServer, (values) => values.first === '1', 10_000);

      // Slow answers, so that the files become read-only while a request is on its way: the server
      // stores the values, and the daemon cannot record that it did.
      emulator.faults.setLatency(1500);
      expect((await varsync(['set', 'second=2', 'third=3'], env)).code).toBe(0);
      await eventually(
        () => running.status(),
        (status) => status.state === 'syncing',
        10_000,
      );
      setImmutable(readOnly(), true);
      try {
        const refused = await varsync(['set', 'late=1'], env);
        expect(refused.code).toBe(1);
        oneLine(
          refused.stderr,
          new RegExp(
            `^varsync: not queued: the database ${escape(path)} cannot be written \\(SQLITE_READONLY\\): the file is not writable \\(EPERM\\); make the data folder and the files in it writable again\\.$`,
          ),
        );

        const reported = await eventually(
          () => running.status(),
          (status) => status.lastError?.code === 'database_readonly',
          10_000,
        );
        expect(reported).toMatchObject({ state: 'attention', lastError: { kind: 'storage' } });
        expect(reported.explanation).toEqual({
          reason: `The database ${path} cannot be written (SQLITE_IOERR_WRITE): the file is not writable (EPERM).`,
          action: 'Make the data folder and the files in it writable again.',
          // The window says the code's words in its language (the details are under Technical details).
          messages: {
            reason: { key: 'explain.storage.database_readonly.reason', params: { path } },
            action: { key: 'explain.storage.database_readonly.action' },
          },
        });
        // The server took them; locally they are still pending, to be sent again: nothing is dropped.
        await eventually(onServer, (values) => values.second === '2' && values.third === '3', 5_000);
        expect((await running.status()).pending).toBe(2);
        // The agent's own report: one line, not one per failed write (the sync attempts log theirs, prefixed).
        const reportLines = () =>
          running
            .output()
            .split('\n')
            .filter((line) => / error The database /.test(line));
        expect(reportLines(), running.output()).toEqual([
          expect.stringMatching(
            /Z error The database .+ cannot be written \(SQLITE_IOERR_WRITE\): the file is not writable \(EPERM\); make the data folder and the files in it writable again\.$/,
          ),
        ]);
        expect(running.child.exitCode).toBeNull();

        // Another process looking at it sees the same condition.
        const status = await varsync(['status'], env);
        expect(status.stdout).toMatch(/State: +needs attention/);
        expect(status.stdout).toMatch(
          new RegExp(
            `Problem: +The database ${escape(path)} cannot be written \\(SQLITE_READONLY\\): the file is not writable \\(EPERM\\)\\. \\(database_readonly\\)`,
          ),
        );
        expect(reportLines()).toHaveLength(1);
        // Each retry meets the same failed bookkeeping write: an error once, not once per retry.
        await eventually(
          () => running.output(),
          (output) => (output.match(/ pass retrying: /g) ?? []).length >= 3,
          10_000,
        );
        const bookkeeping = running
          .output()
          .split('\n')
          .filter((line) => / error .*could not record sync state: /.test(line))
          .map((line) => line.replace(/^.*could not record sync state: /, ''));
        expect(bookkeeping.length, running.output()).toBeGreaterThan(0);
        expect(new Set(bookkeeping).size, running.output()).toBe(bookkeeping.length);
      } finally {
        setImmutable(readOnly(), false);
        emulator.faults.setLatency(0);
      }

      const recovered = await eventually(
        () => running.status(),
        (status) => status.state === 'synced' && status.pending === 0,
        15_000,
      );
      expect(recovered.lastError).toBeNull();
      expect(running.output()).toContain(`the database ${path} can be written again`);
      expect((await varsync(['set', 'late=1'], env)).code).toBe(0);
      await eventually(onServer, (values) => values.late === '1', 10_000);
      expect(await running.stop()).toBe(0);
    },
    60_000,
  );

  it.skipIf(!canMakeImmutable)(
    'an idle agent notices at its next lease renewal, and sends at once when writable again instead of waiting out its backoff',
    async () => {
      const dataDir = tempDir();
      const hardwareId = 'readonly-device-3';
      // An hour of backoff after a failure: only the agent noticing the recovery can make it send soon.
      const config = emulatorConfig(emulator, dataDir, { hardwareId, retryBaseMs: 3_600_000, retryMaxMs: 3_600_000 });
      const agent = Agent.open({ config, leaseTtlMs: 300, watchIntervalMs: 50 });
      cleanups.push(() => agent.close());
      const path = join(dataDir, DATABASE_FILE);
      const readOnly = [dataDir, path, `${path}-wal`];
      cleanups.push(() =>
        setImmutable(
          readOnly.filter((file) => existsSync(file)),
          false,
        ),
      );
      const onServer = () => emulator.state.variablesOf(DEMO.product, hardwareId);
      agent.startEngine();
      agent.set({ first: 1 });
      await eventually(
        () => agent.status(),
        (status) => status.state === 'synced' && onServer().first === 1,
        10_000,
      );

      // Idle: nothing to send, so only the lease renewal writes; it is what notices.
      setImmutable(readOnly, true);
      try {
        const idle = await eventually(
          () => agent.status(),
          (status) => status.lastError?.code === 'database_readonly',
        );
        expect(idle.state).toBe('attention');
        expect(() => agent.set({ refused: true })).toThrow(
          new RegExp(
            `^not queued: the database ${escape(path)} cannot be written \\(SQLITE_IOERR_WRITE\\): the file is not writable \\(EPERM\\)`,
          ),
        );
      } finally {
        setImmutable(readOnly, false);
      }
      await eventually(
        () => agent.status(),
        (status) => status.lastError === null,
      );

      // A failed pass: the server stores the value, the agent cannot record it, and backs off for up to an hour.
      emulator.faults.setLatency(1000);
      agent.set({ second: 2 });
      await eventually(
        () => agent.status(),
        (status) => status.state === 'syncing',
      );
      setImmutable(readOnly, true);
      try {
        await eventually(onServer, (values) => values.second === 2, 5_000);
        // The pass has ended once it scheduled its retry; the value is still pending locally.
        const failed = await eventually(
          () => agent.status(),
          (status) => status.nextAttemptAt !== null,
        );
        expect(failed).toMatchObject({ state: 'attention', pending: 1, lastError: { code: 'database_readonly' } });
      } finally {
        setImmutable(readOnly, false);
        emulator.faults.setLatency(0);
      }
      const drained = await eventually(
        () => agent.status(),
        (status) => status.pending === 0 && status.state === 'synced',
      );
      expect(drained.lastError).toBeNull();
      expect(agent.variables().find((variable) => variable.name === 'second')).toMatchObject({
        value: 2,
        state: 'synced',
      });
    },
    30_000,
  );

  it.skipIf(!canMakeImmutable)(
    'a daemon started on read-only files refuses to run, saying what to do; status still reads them',
    async () => {
      const dataDir = tempDir();
      const env = emulatorEnv(emulator, dataDir, {
        VARSYNC_HARDWARE_ID: 'readonly-device-2',
        XDG_STATE_HOME: join(tempDir(), 'state'),
      });
      expect((await varsync(['set', 'kept=yes'], env)).code).toBe(0);
      const path = join(dataDir, DATABASE_FILE);
      // A second connection keeps the WAL and its index in place, as a window left open would.
      const other = new Database(path);
      other.pragma('journal_mode = WAL');
      const readOnly = [dataDir, path, `${path}-wal`];
      setImmutable(readOnly, true);
      try {
        const run = await varsync(['run'], env);
        expect(run.code).toBe(1);
        oneLine(
          run.stderr,
          new RegExp(
            `^varsync: The database ${escape(path)} cannot be written \\(SQLITE_READONLY\\): the file is not writable \\(EPERM\\); make the data folder and the files in it writable, then start Varsync again\\.$`,
          ),
        );
        const status = JSON.parse((await varsync(['status', '--json'], env)).stdout);
        expect(status).toMatchObject({
          state: 'attention',
          pending: 1,
          lastError: { kind: 'storage', code: 'database_readonly' },
        });
      } finally {
        setImmutable(readOnly, false);
        other.close();
      }
    },
    30_000,
  );
});
