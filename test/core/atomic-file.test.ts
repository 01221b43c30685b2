// The one atomic write of the core's state files (hardware identity, stored secrets): the whole new
// text or the old one, owner-only, and nothing left beside it.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../main/core/atomic-file.js';
import { tempDir } from '../helpers/agent.js';

const posix = process.platform !== 'win32';

describe('writeFileAtomic', () => {
  it('replaces the whole file, owner-only, and leaves no temporary file', () => {
    const dir = tempDir('varsync-atomic-');
    const path = join(dir, 'state.json');
    writeFileSync(path, 'a much longer old content than the new one\n');
    writeFileAtomic(path, '{"new":true}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"new":true}\n');
    if (posix) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('replaces a temporary file a crashed process left under the same name', () => {
    const dir = tempDir('varsync-atomic-');
    const path = join(dir, 'state.json');
    writeFileSync(`${path}.${process.pid}.tmp`, 'half-written');
    writeFileAtomic(path, 'whole');
    expect(readFileSync(path, 'utf8')).toBe('whole');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('when the rename fails, keeps what was there and removes its temporary file', () => {
    const dir = tempDir('varsync-atomic-');
    const path = join(dir, 'state.json');
    mkdirSync(join(path, 'inside'), { recursive: true }); // a folder in the way: rename cannot replace it
    expect(() => writeFileAtomic(path, 'new')).toThrow();
    expect(readdirSync(path)).toEqual(['inside']);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});
