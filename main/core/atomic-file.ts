// Replacing a small state file (the hardware identity, the stored secrets) so that a crash or a
// power cut leaves the old contents or the new, never half of either: written beside under a name
// of this process, owner-only from its first byte, flushed, renamed over the file, and the folder
// flushed so that the rename itself is on disk.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  const temporary = `${path}.${process.pid}.tmp`;
  rmSync(temporary, { force: true }); // left by a crash of an earlier process with this pid
  const fd = openSync(temporary, 'wx', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(dirname(path));
}

function syncFolder(folder: string): void {
  // Windows cannot open a folder to flush it (NTFS journals the rename itself).
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse to flush a folder; the file's own contents are on disk already.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
