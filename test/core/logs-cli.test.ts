// The command line's logs: `varsync run` writes the log folder's varsync.log (and the same lines to
// stderr); with a log folder that cannot be written it still runs and syncs, after saying once why;
// one-off commands write no log file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { eventually, tempDir } from '../helpers/agent.js';
import { emulatorEnv, varsync } from '../helpers/cli.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

async function runUntilSynced(env: NodeJS.ProcessEnv, hardwareId: string): Promise<string> {
  let stop!: (signal: string) => void;
  const running = varsync(['run'], env, new Promise((resolve) => (stop = resolve)));
  await eventually(
    () => emulator.state.variablesOf(DEMO.product, hardwareId),
    (values) => values.color === 'blue',
    10_000,
  );
  stop('SIGTERM');
  const result = await running;
  expect(result.code, result.stderr).toBe(0);
  return result.stderr;
}

describe('varsync run', () => {
  it('logs to varsync.log in the log folder, and the same lines to stderr', async () => {
    const hardwareId = 'cli-logs-device-1';
    const env = emulatorEnv(emulator, tempDir(), { VARSYNC_HARDWARE_ID: hardwareId, VARSYNC_LOG_LEVEL: 'debug' });
    await varsync(['set', 'color=blue'], env);
    const stderr = await runUntilSynced(env, hardwareId);
    const file = join(env.XDG_STATE_HOME!, 'varsync', 'logs', 'varsync.log');
    const written = readFileSync(file, 'utf8');
    expect(written).toMatch(/^\S+Z info {2}sync engine started/m);
    expect(written).toMatch(/^\S+Z debug \[sync [0-9a-f]{8}\] License API POST activate_license: ok in \d+ ms$/m);
    expect(written).toMatch(/^\S+Z info {2}SIGTERM received; stopping$/m);
    expect(stderr).toBe(written);
  });

  it('runs and syncs with a log folder that cannot be written, saying once why on stderr', async () => {
    const hardwareId = 'cli-logs-device-2';
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, '');
    const env = emulatorEnv(emulator, tempDir(), {
      VARSYNC_HARDWARE_ID: hardwareId,
      VARSYNC_LOG_LEVEL: 'info',
      XDG_STATE_HOME: blocker,
    });
    await varsync(['set', 'color=blue'], env);
    const stderr = await runUntilSynced(env, hardwareId);
    const why = stderr.split('\n').filter((line) => line.includes('cannot be written'));
    expect(why).toEqual([
      expect.stringMatching(
        /^\S+Z error the log folder .*a-file\/varsync\/logs cannot be written \(ENOTDIR\); logging to stderr only$/,
      ),
    ]);
    expect(stderr).toMatch(/\[sync [0-9a-f]{8}\] pass drained: 1 sent/);
  });
});

describe('one-off commands', () => {
  it('write no log file', async () => {
    const env = emulatorEnv(emulator, tempDir(), {
      VARSYNC_HARDWARE_ID: 'cli-logs-device-3',
      VARSYNC_LOG_LEVEL: 'debug',
    });
    await varsync(['set', 'color=blue'], env);
    const result = await varsync(['sync'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\[sync [0-9a-f]{8}\] pass drained/);
    expect(existsSync(join(env.XDG_STATE_HOME!, 'varsync'))).toBe(false);
  });
});
