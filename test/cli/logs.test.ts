// `varsync logs` against the log folder a real daemon (`varsync run`, a child process) wrote while
// it synced through the emulator: a failed attempt (503) and a drained one, each option, a rotated
// file read in order, following across a rotation, and a missing folder (one line, exit 1).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { runCli } from '../../main/cli/main.js';
import { Agent } from '../../main/core/agent.js';
import { loadConfig } from '../../main/core/config/load.js';
import { rotateLogFile } from '../../main/core/log/files.js';
import { eventually, tempDir } from '../helpers/agent.js';
import { emulatorEnv, varsync } from '../helpers/cli.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';

const HW = 'logs-cli-device';
const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (error|warn |info |debug) /;

let emulator: Emulator;
let daemon: DaemonProcess;
let env: NodeJS.ProcessEnv;
let logDir: string;
/** The correlation IDs of the failed (503) and the drained attempt, from the daemon's history. */
let failedId: string;
let drainedId: string;

/** The daemon's sync history, oldest first, read from its data folder as another process may. */
async function history() {
  const agent = Agent.open({ config: loadConfig({ env, flags: {}, locations: { appDirs: [] } }) });
  try {
    return agent.store.history(10).reverse();
  } finally {
    await agent.close();
  }
}

/** `varsync logs ARGS` running until stopped, its output lines visible as they come. */
function runningLogs(argv: string[]) {
  const out: string[] = [];
  let stop!: (signal: string) => void;
  const done = runCli(['logs', ...argv], {
    out: (line) => out.push(line),
    err: (line) => out.push(`stderr: ${line}`),
    env,
    stopSignal: new Promise((resolve) => (stop = resolve)),
  });
  return { out, stop: async () => (stop('SIGINT'), done) };
}

beforeAll(async () => {
  emulator = await startEmulator();
  env = emulatorEnv(emulator, tempDir(), {
    VARSYNC_HARDWARE_ID: HW,
    VARSYNC_LOG_LEVEL: 'debug',
    VARSYNC_RETRY_BASE_MS: '300',
    VARSYNC_RETRY_MAX_MS: '600',
  });
  logDir = join(env.XDG_STATE_HOME!, 'varsync', 'logs');
  daemon = await startDaemon(env);
  emulator.faults.failNext(503, 1);
  await varsync(['set', 'color=blue'], env);
  await eventually(
    () => emulator.state.variablesOf(DEMO.product, HW),
    (values) => values.color === 'blue',
    20_000,
  );
  const attempts = await eventually(history, (records) => records.some((record) => record.outcome === 'drained'));
  failedId = attempts.find((record) => record.outcome === 'retrying')!.correlationId;
  drainedId = attempts.find((record) => record.outcome === 'drained')!.correlationId;
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await emulator?.close();
});

describe('varsync logs', () => {
  it('prints the whole log as the file holds it, newest last', async () => {
    const result = await varsync(['logs'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(logDir, 'varsync.log'), 'utf8'));
    const times = result.outLines.map((line) => Date.parse(line.slice(0, 24)));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('--attempt ID: only that attempt’s lines, from its start to its outcome', async () => {
    const failed = await varsync(['logs', '--attempt', failedId], env);
    expect(failed.code).toBe(0);
    for (const line of failed.outLines) expect(line).toMatch(new RegExp(`${LINE.source}\\[sync ${failedId}\\] `));
    expect(failed.outLines[0]).toMatch(/pass started: 1 pending$/);
    expect(failed.stdout).toMatch(/server failure 503 server_error/);
    expect(failed.outLines.at(-1)).toMatch(/pass retrying: 0 sent in 1 request\(s\), 1 pending$/);
    const drained = await varsync(['logs', '--attempt', drainedId], env);
    expect(drained.outLines.at(-1)).toMatch(/pass drained: 1 sent/);
    expect(drained.stdout).not.toMatch(/503/);
  });

  it('--level warn: warnings and errors only', async () => {
    const result = await varsync(['logs', '--level', 'warn'], env);
    expect(result.outLines.length).toBeGreaterThan(0);
    for (const line of result.outLines) expect(line).toMatch(/^\S+ (warn |error) /);
    expect(result.stdout).toMatch(new RegExp(`\\[sync ${failedId}\\] will retry: server failure server_error`));
    const all = await varsync(['logs'], env);
    expect(all.outLines.length).toBeGreaterThan(result.outLines.length);
  });

  it('--since: a span back from now, or a date and time', async () => {
    expect((await varsync(['logs', '--since', '1h'], env)).outLines.length).toBe(
      (await varsync(['logs'], env)).outLines.length,
    );
    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await varsync(['logs', '--since', future], env);
    expect([none.code, none.stdout]).toEqual([0, '']);
  });

  it('--json: one object per line with the time, level, attempt and message', async () => {
    const result = await varsync(['logs', '--json', '--attempt', drainedId], env);
    const objects = result.outLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects.length).toBeGreaterThan(1);
    for (const object of objects) {
      expect(Object.keys(object)).toEqual(['at', 'level', 'attempt', 'message']);
      expect(object.attempt).toBe(drainedId);
      expect(Date.parse(object.at as string)).toBeGreaterThan(0);
    }
    expect(objects.at(-1)!.message).toMatch(new RegExp(`^\\[sync ${drainedId}\\] pass drained`));
  });

  it('--path: the log folder', async () => {
    const result = await varsync(['logs', '--path'], env);
    expect([result.code, result.stdout]).toEqual([0, `${logDir}\n`]);
  });

  it('bad options: one line, exit 2', async () => {
    for (const argv of [
      ['--level', 'loud'],
      ['--since', 'yesterday'],
      ['--attempt', 'not an id'],
    ]) {
      const result = await varsync(['logs', ...argv], env);
      expect(result.code).toBe(2);
      expect(result.errLines).toEqual([expect.stringMatching(/^varsync: --(level|since|attempt)/)]);
    }
  });

  it('a missing folder: one clear line, exit 1', async () => {
    const result = await varsync(['logs'], { ...env, XDG_STATE_HOME: join(tempDir(), 'nowhere') });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.errLines).toEqual([
      expect.stringMatching(
        /^varsync: the log folder .*nowhere\/varsync\/logs does not exist: .*varsync logs --path\.$/,
      ),
    ]);
  });

  it('reads rotated files too, oldest first; --follow prints new lines across a rotation until stopped', async () => {
    const before = (await varsync(['logs'], env)).outLines;
    rotateLogFile(logDir, Date.now());
    const following = runningLogs(['--follow', '--level', 'info']);

    await varsync(['set', 'color=green'], env);
    await eventually(
      () => emulator.state.variablesOf(DEMO.product, HW),
      (values) => values.color === 'green',
      20_000,
    );
    const afterGreen = await eventually(
      async () => (await varsync(['logs'], env)).outLines,
      (lines) => lines.some((line) => /pass drained: 1 sent/.test(line) && !before.includes(line)),
    );
    expect(afterGreen.slice(0, before.length)).toEqual(before); // the rotated file's lines, then the new file's
    // A second rotation while following: the lines after it are followed too.
    rotateLogFile(logDir, Date.now());
    await varsync(['set', 'color=red'], env);
    await eventually(
      () => emulator.state.variablesOf(DEMO.product, HW),
      (values) => values.color === 'red',
      20_000,
    );
    const all = await eventually(
      async () => (await varsync(['logs', '--level', 'info'], env)).outLines,
      (lines) => lines.filter((line) => /pass drained: 1 sent/.test(line)).length >= 3,
    );
    const drainedLines = (lines: string[]) => lines.filter((line) => /pass drained: 1 sent/.test(line));
    await eventually(
      () => drainedLines(following.out).length,
      (count) => count >= 3,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nfollowed:\n${following.out.join('\n')}\nin the files:\n${all.join('\n')}`);
    });
    expect(await following.stop()).toBe(0);
    const infoBefore = before.filter((line) => !/^\S+ debug /.test(line));
    // Every line once, in the file's order: what was there, then what followed across the rotation.
    expect(following.out).toEqual(all.slice(0, following.out.length));
    expect(following.out.slice(0, infoBefore.length)).toEqual(infoBefore);
    expect(drainedLines(following.out)).toHaveLength(3);
  }, 60_000);
});
