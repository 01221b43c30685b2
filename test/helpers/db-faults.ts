// Real faults for a real SQLite file: a size-limited folder (tmpfs), files made read-only in a way
// that also stops a process that already has them open (the immutable attribute), another
// process holding the write lock.
//
// What needs privileges is probed once and reported: a tmpfs mount needs root (CAP_SYS_ADMIN),
// and `chattr +i` needs root (CAP_LINUX_IMMUTABLE) on a file system that enforces it on open
// files (ext4 does; tmpfs does not). Without them the tests that need them are skipped, with a
// note saying why, and the injected variants still run.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, tempDir } from './agent.js';

const isRoot = process.getuid?.() === 0;

/** A folder on its own tmpfs of `sizeKb`, or undefined when this machine does not allow mounting one. */
export function mountSmallFolder(sizeKb: number): { dir: string; unmount: () => void } | undefined {
  if (!isRoot) return undefined;
  const dir = tempDir('varsync-full-');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir], {
    encoding: 'utf8',
  });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    dir,
    unmount: () => {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Write zeros into `file` until the disk says it is full; returns the bytes written. */
export function fillDisk(file: string): number {
  const chunk = Buffer.alloc(16 * 1024);
  const fd = openSync(file, 'w');
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return written;
}

/** Whether `chattr +i` works here and also stops writes through a file descriptor opened before. */
export function immutableWorks(): boolean {
  if (!isRoot) return false;
  const dir = tempDir('varsync-immutable-probe-');
  const file = join(dir, 'probe');
  try {
    writeFileSync(file, 'probe');
    const fd = openSync(file, 'r+');
    try {
      if (spawnSync('chattr', ['+i', file]).status !== 0) return false;
      try {
        writeSync(fd, 'x', 0);
        return false;
      } catch {
        return true;
      }
    } finally {
      closeSync(fd);
      spawnSync('chattr', ['-i', file]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Set or clear the immutable attribute: even root cannot write the files, also through handles opened before. */
export function setImmutable(paths: string[], on: boolean): void {
  const result = spawnSync('chattr', [on ? '+i' : '-i', ...paths], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`chattr failed: ${result.stderr}`);
}

/**
 * Another process holding the database's write lock (BEGIN EXCLUSIVE with a change in progress),
 * as a database browser editing the file would. release() rolls back and ends it.
 */
export async function holdWriteLock(databasePath: string): Promise<{ pid: number; release: () => Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.env.LOCK_DB);
    db.exec('BEGIN EXCLUSIVE');
    db.prepare("INSERT INTO meta (key, value) VALUES ('held_by_test', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
    process.stdout.write('locked\\n');
    process.stdin.on('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
    process.stdin.on('end', () => process.exit(0));
    setTimeout(() => process.exit(3), 60000);
  `;
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...process.env, LOCK_DB: databasePath },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    () => output,
    (text) => text.includes('locked') || child.exitCode !== null,
    10_000,
  );
  if (!output.includes('locked')) throw new Error(`the lock holder exited with ${child.exitCode}`);
  return {
    pid: child.pid!,
    release: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.write('release\n');
      }),
  };
}
