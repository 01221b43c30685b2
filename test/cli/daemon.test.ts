// Several processes on one data folder: the daemon sends what another process's `varsync set`
// queued within about a second; only one process runs the engine; a killed daemon's lease does
// not stay stuck; SIGTERM stops it cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { eventually, tempDir } from '../helpers/agent.js';
import { emulatorEnv, varsync } from '../helpers/cli.js';

let emulator: Emulator;
const children: ChildProcess[] = [];
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function daemon(env: NodeJS.ProcessEnv): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['bin/varsync.mjs', 'run'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  children.push(child);
  return Object.assign(child, { output: () => output });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

describe('daemon and other processes', () => {
  it('sends a set made by another process within about a second, and stops cleanly on SIGTERM', async () => {
    const hardwareId = 'daemon-device-1';
    const env = emulatorEnv(emulator, tempDir(), { VARSYNC_HARDWARE_ID: hardwareId, VARSYNC_LOG_LEVEL: 'info' });
    const first = daemon(env);
    await eventually(
      () => first.output(),
      (text) => text.includes('sync engine started'),
      10_000,
    );

    expect((await varsync(['set', 'installer=v1'], env)).code).toBe(0);
    const queuedAt = Date.now();
    await eventually(
      () => emulator.state.variablesOf(DEMO.product, hardwareId),
      (values) => values.installer === 'v1',
    );
    const delay = Date.now() - queuedAt;
    console.log(`set in another process reached the server after ${delay} ms`);
    expect(delay).toBeLessThan(1_500);

    first.kill('SIGTERM');
    expect(await exited(first)).toBe(0);
    expect(first.output()).toMatch(/SIGTERM received; stopping/);
    expect(JSON.parse((await varsync(['status', '--json'], env)).stdout)).toMatchObject({
      engine: { running: false },
      state: 'synced',
    });
  }, 30_000);

  it('runs one engine per data folder, and a killed owner is replaced', async () => {
    const hardwareId = 'daemon-device-2';
    const env = emulatorEnv(emulator, tempDir(), { VARSYNC_HARDWARE_ID: hardwareId, VARSYNC_LOG_LEVEL: 'info' });
    const first = daemon(env);
    await eventually(
      () => first.output(),
      (text) => text.includes('sync engine started'),
      10_000,
    );
    const second = daemon(env);
    await eventually(
      () => second.output(),
      (text) => text.includes('daemon running'),
      10_000,
    );
    expect(second.output()).not.toContain('sync engine started');
    const status = JSON.parse((await varsync(['status', '--json'], env)).stdout);
    expect(status.engine).toMatchObject({ running: true, pid: first.pid });

    first.kill('SIGKILL');
    await exited(first);
    await eventually(
      () => second.output(),
      (text) => text.includes('sync engine started'),
      15_000,
    );
    await varsync(['set', 'after=takeover'], env);
    await eventually(
      () => emulator.state.variablesOf(DEMO.product, hardwareId),
      (values) => values.after === 'takeover',
    );
  }, 40_000);

  it('varsync sync asks the running daemon and reports its outcome', async () => {
    const hardwareId = 'daemon-device-3';
    const env = emulatorEnv(emulator, tempDir(), {
      VARSYNC_HARDWARE_ID: hardwareId,
      VARSYNC_SYNC_INTERVAL_SECONDS: '3600',
    });
    const owner = daemon({ ...env, VARSYNC_LOG_LEVEL: 'info' });
    await eventually(
      () => owner.output(),
      (text) => text.includes('sync engine started'),
      10_000,
    );
    emulator.state.changeLicense({ product: DEMO.product, licenseKey: DEMO.licenseKey }, { enabled: false });
    try {
      await varsync(['set', 'x=1'], env);
      const result = await varsync(['sync'], env);
      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(/^on hold: 1 pending\. This device's license is disabled\./);
      expect(owner.output()).toMatch(/holding: license problem license_not_enabled/);
    } finally {
      emulator.state.changeLicense({ product: DEMO.product, licenseKey: DEMO.licenseKey }, { enabled: true });
    }
    const drained = await varsync(['sync'], env);
    expect(drained.code).toBe(0);
    expect(emulator.state.variablesOf(DEMO.product, hardwareId)).toEqual({ x: '1' });
  }, 30_000);
});
