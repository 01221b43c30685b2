// The `varsync` launchers the installers ship (build/launchers): the macOS one runs the app binary
// of the bundle it is in, with the arguments and exit code untouched, also through the symlink
// docs/VENDOR.md tells to make. (varsync.cmd needs Windows; dist:check checks what it runs.)
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../helpers/agent.js';

const LAUNCHER = join(import.meta.dirname, '..', '..', 'build', 'launchers', 'varsync');

it.runIf(process.platform !== 'win32')(
  'macOS: runs Contents/MacOS/Varsync with the arguments and returns its exit code, through a symlink too',
  () => {
    const root = tempDir('varsync-launcher-');
    const contents = join(root, 'Applications', 'Varsync.app', 'Contents');
    mkdirSync(join(contents, 'Resources', 'bin'), { recursive: true });
    mkdirSync(join(contents, 'MacOS'));
    copyFileSync(LAUNCHER, join(contents, 'Resources', 'bin', 'varsync'));
    chmodSync(join(contents, 'Resources', 'bin', 'varsync'), 0o755);
    // The stand-in app binary: prints its arguments, one a line, and exits with 3.
    writeFileSync(join(contents, 'MacOS', 'Varsync'), '#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\nexit 3\n', {
      mode: 0o755,
    });
    mkdirSync(join(root, 'usr', 'local', 'bin'), { recursive: true });
    const link = join(root, 'usr', 'local', 'bin', 'varsync');
    symlinkSync(join(contents, 'Resources', 'bin', 'varsync'), link);
    // A relative link, as `ln -s ../../../Applications/...` makes, followed twice.
    const relativeLink = join(root, 'varsync');
    symlinkSync(join('usr', 'local', 'bin', 'varsync'), relativeLink);

    for (const command of [join(contents, 'Resources', 'bin', 'varsync'), link, relativeLink]) {
      const run = spawnSync(command, ['set', 'note=a b', 'seats:=5'], { encoding: 'utf8' });
      expect(run.status, command).toBe(3);
      expect(run.stdout, command).toBe('[set]\n[note=a b]\n[seats:=5]\n');
    }
  },
);
