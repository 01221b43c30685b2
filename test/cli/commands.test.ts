// The varsync command as DESIGN.md's table says: output, --json shapes, exit codes, one-line errors.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetEmulator } from '../helpers/api.js';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { tempDir } from '../helpers/agent.js';
import { emulatorEnv, varsync } from '../helpers/cli.js';

let emulator: Emulator;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  resetEmulator(emulator);
  env = emulatorEnv(emulator, tempDir());
});

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);

describe('set, get, status, sync', () => {
  it('queues typed values, shows them pending, syncs them, shows them synced', async () => {
    expect(await varsync(['set', 'color=blue', 'seats:=3', 'beta:=true', 'label:="x y"'], env)).toMatchObject({
      code: 0,
      stdout: 'queued 4\n',
    });
    const pending = JSON.parse((await varsync(['get', '--json'], env)).stdout) as Array<Record<string, unknown>>;
    expect(pending.map(({ name, value, state }) => [name, value, state])).toEqual([
      ['beta', true, 'pending'],
      ['color', 'blue', 'pending'],
      ['label', 'x y', 'pending'],
      ['seats', 3, 'pending'],
    ]);
    for (const entry of pending) {
      expect(entry).toEqual(expect.objectContaining({ updatedAt: expect.stringMatching(/Z$/), syncedAt: null }));
    }
    const sync = await varsync(['sync'], env);
    expect(sync).toMatchObject({ code: 0, stdout: 'synced: nothing pending\n' });
    const synced = JSON.parse((await varsync(['get', '--json'], env)).stdout) as Array<{
      state: string;
      syncedAt: string;
    }>;
    expect(synced.every((entry) => entry.state === 'synced' && /Z$/.test(entry.syncedAt))).toBe(true);
    const status = JSON.parse((await varsync(['status', '--json'], env)).stdout);
    expect(status).toMatchObject({ state: 'synced', pending: 0, lastError: null, nextAttemptAt: null });
    expect(status.lastSyncAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect((await varsync(['set', 'color=blue'], env)).stdout).toBe('queued 0, 1 unchanged (color)\n');
  });

  it('sync exits 4 while the server is unreachable and 3 when held', async () => {
    await varsync(['set', 'a=1'], env);
    const offline = await varsync(['sync'], { ...env, VARSYNC_API_URL: 'http://127.0.0.1:9' });
    expect(offline.code).toBe(4);
    expect(offline.stdout).toMatch(/^not finished: 1 pending\. The License API cannot be reached\./);
    emulator.state.changeLicense({ product: DEMO.product, licenseKey: DEMO.licenseKey }, { enabled: false });
    const held = await varsync(['sync', '--json'], env);
    expect(held.code).toBe(3);
    expect(JSON.parse(held.stdout)).toMatchObject({
      outcome: 'held',
      status: { state: 'attention', pending: 1, lastError: { code: 'license_not_enabled', kind: 'license' } },
    });
    const status = await varsync(['status'], env);
    expect(status.stdout).toContain("This device's license is disabled. (license_not_enabled)");
    expect(status.stdout).toContain('What to do:   Contact your administrator.');
  });

  it('retry and discard dead letters', async () => {
    emulator.state.load({ ...emulator.state.seed, validation: { rejectNames: ['bad'] } });
    await varsync(['set', 'good=1', 'bad=2'], env);
    expect((await varsync(['sync'], env)).stdout).toBe(
      'synced: nothing pending (1 refused by the server: see varsync get)\n',
    );
    expect((await varsync(['get'], env)).stdout).toMatch(/bad\s+"2"\s+string\s+failed: validation_error/);
    expect((await varsync(['retry'], env)).stdout).toBe('queued 1 again\n');
    await varsync(['sync'], env);
    expect((await varsync(['discard'], env)).code).toBe(2);
    expect((await varsync(['discard', '--all'], env)).stdout).toBe('discarded 1\n');
    expect(JSON.parse((await varsync(['status', '--json'], env)).stdout)).toMatchObject({ failed: 0, pending: 0 });
  });
});

describe('bad input: one line, exit 2, nothing queued harmed', () => {
  it.each([
    [['set', 'novalue'], /^varsync: "novalue" is not NAME=VALUE or NAME:=JSON/],
    [['set', '=x'], /^varsync: "=x" is not NAME=VALUE/],
    [['set', 'n:={"a":1}'], /^varsync: n:= takes a JSON number, boolean or string, not an object\.$/],
    [['set', 'n:=nope'], /^varsync: n:=nope is not valid JSON/],
    [['set', 'n:=null'], /not null/],
    [['set', `${'x'.repeat(129)}=1`], /the limit is 128/],
    [['set', 'ok=1', ' lead=2'], /starts or ends with white space/],
    [['set'], /nothing to set/],
    [['frobnicate'], /^varsync: unknown command "frobnicate"; the commands are: set, get/],
    [['get', '--colour'], /^varsync: unknown option --colour; run varsync --help/],
    [['status', '--product'], /^varsync: option --product needs a value\.$/],
  ])('%j', async (argv, message) => {
    await varsync(['set', 'keep=me'], env);
    const result = await varsync(argv, env);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    noStackTrace(result.stderr);
    const variables = JSON.parse((await varsync(['get', '--json'], env)).stdout) as Array<{ name: string }>;
    expect(variables.map((variable) => variable.name)).toEqual(['keep']);
  });

  it('a data folder that cannot be written is one line, exit 1', async () => {
    const folder = tempDir();
    chmodSync(folder, 0o500);
    const result = await varsync(['set', 'a=1'], { ...env, VARSYNC_DATA_DIR: join(folder, 'inside') });
    chmodSync(folder, 0o700);
    if (process.getuid?.() === 0) {
      // root ignores permission bits; use a path below a file instead.
      const file = join(tempDir(), 'file');
      writeFileSync(file, '');
      const blocked = await varsync(['set', 'a=1'], { ...env, VARSYNC_DATA_DIR: join(file, 'inside') });
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toMatch(
        /^varsync: The data folder .* cannot be used \(ENOTDIR\); make it writable, or choose another data folder \(`varsync config` shows where dataDir comes from; VARSYNC_DATA_DIR sets it unless a policy enforces it\)\.\n$/,
      );
      return;
    }
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot be used \(EACCES\)/);
  });

  it('sync without configuration says what is missing', async () => {
    const result = await varsync(['sync'], { VARSYNC_DATA_DIR: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^varsync: Varsync is not fully configured: missing the product \(VARSYNC_PRODUCT\); a license key/,
    );
  });

  it('help for every command', async () => {
    for (const command of ['set', 'get', 'status', 'sync', 'run', 'hwid', 'config', 'activate', 'retry', 'discard']) {
      const result = await varsync([command, '--help'], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: varsync ${command}`));
    }
    expect((await varsync(['--help'], env)).stdout).toMatch(/^Usage: varsync COMMAND/);
    expect((await varsync([], env)).code).toBe(2);
  });
});

describe('hwid, config, activate', () => {
  it('hwid prints a salted hash of the machine ID, never the raw one', async () => {
    const result = await varsync(['hwid', '--json'], env);
    const hwid = JSON.parse(result.stdout);
    expect(hwid).toMatchObject({ source: 'machine-id', id: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(result.stdout).not.toContain('b3c1f0e2a4d6480f9e7c5a3b1d2f4e6a');
    const configured = await varsync(['hwid'], { ...env, VARSYNC_HARDWARE_ID: 'VENDOR-HW-1' });
    expect(configured.stdout).toBe('VENDOR-HW-1\t(configured)\n');
  });

  it('config shows each value with its source and redacts secrets', async () => {
    const file = join(tempDir(), 'vendor.json');
    writeFileSync(file, JSON.stringify({ batchSize: 50, product: DEMO.product }));
    const result = await varsync(['config', '--json', '--config', file, '--batch-size', '20'], env);
    const config = JSON.parse(result.stdout);
    expect(config.batchSize).toEqual({ value: 50, source: `file ${file} (batchSize)` });
    expect(config.product.source).toBe(`file ${file} (product)`);
    expect(config.licenseKey).toEqual({ value: '[redacted]', source: 'env VARSYNC_LICENSE_KEY' });
    expect(config.sharedKey).toEqual({ value: '[redacted]', source: 'env VARSYNC_SHARED_KEY' });
    expect(config.retryMaxMs).toEqual({ value: 200, source: 'env VARSYNC_RETRY_MAX_MS' });
    expect(config.recheckSeconds.source).toBe('env VARSYNC_RECHECK_SECONDS');
    expect(config.syncIntervalSeconds).toEqual({ value: 300, source: 'default' });
    expect(result.stdout).not.toContain(DEMO.sharedKey);
    expect(result.stdout).not.toContain(DEMO.licenseKey);
  });

  it('activate sends the pending variables with the activation', async () => {
    await varsync(['set', 'installer=setup.exe'], env);
    const result = await varsync(['activate'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^activated: device \d+, 1 of 5 activations used\n$/);
    expect(JSON.parse((await varsync(['status', '--json'], env)).stdout).pending).toBe(0);
  });
});
