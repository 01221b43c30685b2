// Which other processes hold a write lock on the database, for the "locked by another process"
// message. SQLite takes POSIX (fcntl) locks: on the database file itself, and in WAL mode on its
// -shm file (the write lock is byte 120 there). Linux lists every such lock in /proc/locks with
// the holder's pid; elsewhere the answer is simply "unknown".
import { readFileSync, statSync } from 'node:fs';

/** Pids (other than this process) holding a write lock on the database or its -shm file. */
export function lockHolders(databasePath: string, procLocks = '/proc/locks'): number[] {
  const files = [databasePath, `${databasePath}-shm`].map(fileId).filter((id): id is string => id !== undefined);
  if (files.length === 0) return [];
  let table: string;
  try {
    table = readFileSync(procLocks, 'utf8');
  } catch {
    return [];
  }
  const pids = new Set<number>();
  for (const line of table.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 1158 fe:00:2211938 120 120"; lines with "->" are waiters, not holders.
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6 || fields[1] !== 'POSIX' || fields[3] !== 'WRITE') continue;
    const pid = Number(fields[4]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && files.includes(normalizeId(fields[5]!)))
      pids.add(pid);
  }
  return [...pids].sort((a, b) => a - b);
}

/** "major:minor:inode" as /proc/locks writes it (major and minor in hex). */
function fileId(path: string): string | undefined {
  try {
    const { dev, ino } = statSync(path);
    // Linux's encoding of st_dev: minor in bits 0-7 and 20-31, major in bits 8-19.
    const major = (dev >> 8) & 0xfff;
    const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
    return `${major.toString(16)}:${minor.toString(16)}:${ino}`;
  } catch {
    return undefined;
  }
}

function normalizeId(field: string): string {
  const [major = '', minor = '', inode = ''] = field.split(':');
  return `${parseInt(major, 16).toString(16)}:${parseInt(minor, 16).toString(16)}:${inode}`;
}
