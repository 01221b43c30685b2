// The installed app binary answers the `varsync` verbs (CLI mode, main/app-cli): the built Electron
// main process (out/main/main.mjs, as the app loads it) runs in a child Node process with the fake
// electron. A command creates no window, tray, IPC handler or protocol and takes no
// single-instance lock; its output and exit code are those of the `varsync` command in Node, on the
// same data folder; with no command or with --set, the tray app starts as before.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, tempDir } from '../helpers/agent.js';
import type { ControlCommand } from './helpers/electron-in-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
// Its own build folder, so that it never races another test's build of the main process.
const BUILD_DIR = join(ROOT, 'out', 'test', 'cli-mode');
const MAIN = join(BUILD_DIR, 'main.mjs');
const FAKE_ELECTRON = pathToFileURL(join(ROOT, 'test', 'app', 'helpers', 'fake-electron-register.mjs')).href;

interface Report {
  code: number;
  windows: number;
  trays: number;
  instanceLockRequests: number;
  ipcHandlers: number;
  schemes: number;
}

/** The environment of a device with nothing configured but its data folder, and nothing of ours. */
function deviceEnv(dataDir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VARSYNC_')));
  // TMPDIR: the fake electron's user-data folder goes there.
  return { ...env, VARSYNC_DATA_DIR: dataDir, TMPDIR: join(dataDir, '..'), XDG_STATE_HOME: join(dataDir, 'state') };
}

/** `Varsync ARGS` (the app binary, as the launchers start it): its output, exit code and what it created. */
function app(args: string[], dataDir: string) {
  const reportFile = join(dataDir, '..', `report-${Math.random().toString(36).slice(2)}.json`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', FAKE_ELECTRON, MAIN, ...args], {
    cwd: ROOT,
    env: { ...deviceEnv(dataDir), FAKE_ELECTRON_REPORT: reportFile },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as Report) : undefined;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, report };
}

/** `varsync ARGS` in Node (bin/varsync.mjs) on the same data folder. */
function node(args: string[], dataDir: string) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'varsync.mjs'), ...args], {
    cwd: ROOT,
    env: deviceEnv(dataDir),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const NOTHING_CREATED = { windows: 0, trays: 0, instanceLockRequests: 0, ipcHandlers: 0, schemes: 0 };

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-electron.mjs'), BUILD_DIR], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(build.status, build.stderr).toBe(0);
}, 60_000);

describe('the app binary with a varsync command', () => {
  it('queues, shows and refuses as the command does in Node, with the same exit codes and output, and opens nothing', () => {
    const dataDir = join(tempDir('varsync-cli-mode-'), 'data');
    mkdirSync(dataDir);

    const set = app(['set', 'color=blue', 'seats:=3'], dataDir);
    expect(set, set.stderr).toMatchObject({ code: 0, stdout: 'queued 2\n', stderr: '' });
    expect(set.report).toEqual({ code: 0, ...NOTHING_CREATED });

    // Node sees what the app queued, and the app prints what Node prints.
    for (const args of [['get', '--json'], ['status', '--json'], ['get']]) {
      const inApp = app(args, dataDir);
      const inNode = node(args, dataDir);
      expect(inApp.code, inApp.stderr).toBe(0);
      expect(inApp.stdout, args.join(' ')).toBe(inNode.stdout);
      expect(inApp.report).toEqual({ code: 0, ...NOTHING_CREATED });
    }
    expect(JSON.parse(app(['get', '--json'], dataDir).stdout)).toEqual([
      expect.objectContaining({ name: 'color', value: 'blue', state: 'pending' }),
      expect.objectContaining({ name: 'seats', value: 3, state: 'pending' }),
    ]);

    // Bad input: exit 2, one line on stderr, nothing queued; the same line as in Node.
    const bad = app(['set', 'seats:=[1]'], dataDir);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toBe(node(['set', 'seats:=[1]'], dataDir).stderr);
    expect(bad.report).toEqual({ code: 2, ...NOTHING_CREATED });

    // Not configured: `sync` says so with exit 2, like Node.
    const sync = app(['sync'], dataDir);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toBe(node(['sync'], dataDir).stderr);
  }, 120_000);

  it('prints the help of a command', () => {
    const dataDir = join(tempDir('varsync-cli-mode-'), 'data');
    mkdirSync(dataDir);
    const help = app(['status', '--help'], dataDir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: varsync status [--json]');
    expect(help.report).toEqual({ code: 0, ...NOTHING_CREATED });
  }, 60_000);
});

describe('the app binary without a command', () => {
  it.each([[[]], [['--set', 'installed_by=setup']]])(
    'starts the tray app as before (%j), and --set still queues',
    async (args) => {
      const dataDir = join(tempDir('varsync-cli-mode-'), 'data');
      mkdirSync(dataDir);
      // Configured (a server that is never reached), so that it uses this data folder, not the demo's.
      const configured = {
        VARSYNC_API_URL: 'http://127.0.0.1:9',
        VARSYNC_PRODUCT: 'p',
        VARSYNC_LICENSE_KEY: 'k',
        VARSYNC_API_KEY: 'a',
        VARSYNC_SHARED_KEY: 's',
      };
      const child = spawn(process.execPath, ['--import', 'tsx', '--import', FAKE_ELECTRON, MAIN, ...args], {
        cwd: ROOT,
        env: { ...deviceEnv(dataDir), ...configured },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      let id = 0;
      const send = <T>(command: ControlCommand) =>
        new Promise<T>((resolve) => {
          const asked = ++id;
          const answer = (message: { id: number; result: T }) => {
            if (message.id !== asked) return;
            child.off('message', answer);
            resolve(message.result);
          };
          child.on('message', answer);
          child.send({ id: asked, command });
        });
      try {
        await eventually(
          () => send<{ trays: unknown[] }>({ type: 'snapshot' }),
          (state) => state.trays.length === 1,
          30_000,
        ).catch((error: Error) => {
          throw new Error(`${error.message}\n--- app output ---\n${output}`);
        });
        if (args.length > 0) {
          await eventually(
            () => node(['get', '--json'], dataDir).stdout,
            (text) => text.includes('"installed_by"'),
          );
        }
      } finally {
        child.kill();
      }
    },
    60_000,
  );
});
