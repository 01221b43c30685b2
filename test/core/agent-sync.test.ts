// The agent against the real emulator over loopback: queueing, draining, each failure class with
// its state, reason and next step, and recovery without a restart.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetEmulator } from '../helpers/api.js';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { Agent } from '../../main/core/agent.js';
import { emulatorConfig, eventually, statusWhen, tempDir } from '../helpers/agent.js';

let emulator: Emulator;
let agent: Agent;
const HW = 'agent-test-device';
const serverValues = () => emulator.state.variablesOf(DEMO.product, HW);
const license = { product: DEMO.product, licenseKey: DEMO.licenseKey };

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  resetEmulator(emulator);
  agent = Agent.open({ config: emulatorConfig(emulator, tempDir(), { hardwareId: HW }) });
});
afterEach(() => agent.close());

describe('set and sync', () => {
  it('queues on disk, activates the unknown device with the variables, and drains', async () => {
    expect(agent.set({ color: 'blue', seats: 3, beta: true })).toEqual({
      queued: ['color', 'seats', 'beta'],
      unchanged: [],
    });
    expect(agent.status()).toMatchObject({ state: 'pending', pending: 3 });
    const result = await agent.syncNow();
    expect(result.outcome).toBe('drained');
    expect(result.status).toMatchObject({ state: 'synced', pending: 0, lastError: null });
    expect(serverValues()).toEqual({ color: 'blue', seats: 3, beta: true });
    expect(emulator.requests.map((entry) => `${entry.endpoint}:${entry.code ?? entry.status}`)).toEqual([
      'track_device_variables:device_not_found',
      'activate_license:200',
    ]);
    expect(agent.variables().map(({ name, state, type }) => [name, state, type])).toEqual([
      ['beta', 'synced', 'boolean'],
      ['color', 'synced', 'string'],
      ['seats', 'synced', 'number'],
    ]);
  });

  it('does not queue a value equal to the confirmed one, and last write wins while pending', async () => {
    agent.set({ color: 'blue' });
    await agent.syncNow();
    expect(agent.set({ color: 'blue' })).toEqual({ queued: [], unchanged: ['color'] });
    agent.set({ color: 'red' });
    agent.set({ color: 'green' });
    expect(agent.status().pending).toBe(1);
    await agent.syncNow();
    expect(serverValues()).toEqual({ color: 'green' });
  });

  it('sends in batches of the configured size', async () => {
    await agent.close();
    agent = Agent.open({ config: emulatorConfig(emulator, tempDir(), { hardwareId: HW, batchSize: 10 }) });
    agent.set({ first: 0 });
    await agent.syncNow(); // activation
    emulator.requests.length = 0;
    agent.set(Object.fromEntries(Array.from({ length: 35 }, (_, index) => [`name-${index}`, index])));
    await agent.syncNow();
    expect(emulator.requests.map((entry) => Object.keys(entry.variables ?? {}).length)).toEqual([10, 10, 10, 5]);
    expect(Object.keys(serverValues())).toHaveLength(36);
  });

  it('refuses bad input with a clear error and changes nothing', () => {
    agent.set({ keep: 'me' });
    expect(() => agent.set({ ok: 1, ' padded': 2 })).toThrow(
      /^variable name " padded" starts or ends with white space$/,
    );
    expect(() => agent.set({ n: Number.NaN })).toThrow(/not a finite number/);
    expect(() => agent.set({ x: null })).toThrow(/null is not allowed/);
    expect(() => agent.set({ ['x'.repeat(129)]: 1 })).toThrow(/limit is 128/);
    expect(() => agent.set({ s: 'é'.repeat(2049) })).toThrow(/^"s": value is 4098 bytes of UTF-8; the limit is 4096$/);
    expect(agent.variables().map((variable) => variable.name)).toEqual(['keep']);
  });
});

describe('one status for every surface', () => {
  it('shows a pause clicked during a pass as paused, here and in another process, while the pass ends', async () => {
    emulator.faults.setLatency(1_000);
    agent.startEngine();
    agent.set({ color: 'blue' });
    await eventually(
      () => agent.status().state,
      (state) => state === 'syncing',
    );
    agent.pause();
    // The engine's snapshot still says 'syncing' until its request returns; the switch is the truth.
    const reader = Agent.open({ config: emulatorConfig(emulator, agent.config.values.dataDir, { hardwareId: HW }) });
    try {
      expect(agent.status()).toMatchObject({ state: 'paused', paused: true });
      expect(reader.status()).toMatchObject({ state: 'paused', paused: true, engine: { running: true, here: false } });
      // The server stores the value before its answer reaches the agent, which then clears it locally.
      const ended = await eventually(
        () => reader.status(),
        (status) => status.pending === 0,
      );
      expect(ended).toMatchObject({ state: 'paused', pending: 0 });
      expect(serverValues().color).toBe('blue');
    } finally {
      await reader.close();
    }
  });
});

describe('failure classes: state, reason, next step, and recovery without restart', () => {
  const activated = async () => {
    agent.set({ seed: 1 });
    expect((await agent.syncNow()).outcome).toBe('drained');
  };

  it('network: offline, retried with backoff, drains when the server returns', async () => {
    await activated();
    emulator.faults.dropNext(3);
    agent.set({ color: 'blue' });
    const result = await agent.syncNow();
    expect(result.outcome).toBe('retrying');
    expect(result.status).toMatchObject({ state: 'offline', pending: 1, lastError: { kind: 'network' } });
    expect(result.status.explanation?.reason).toBe('The License API cannot be reached.');
    emulator.faults.clear();
    expect((await agent.syncNow()).status).toMatchObject({ state: 'synced', pending: 0, lastError: null });
    expect(serverValues().color).toBe('blue');
  });

  it('server 5xx: pending with a next attempt, then drains by itself', async () => {
    await activated();
    agent.startEngine();
    emulator.faults.failNext(503, 2);
    // Listen before the set: with fast timings both 503s and the success can pass within one poll.
    const failed = statusWhen(agent, (s) => s.lastError?.kind === 'server');
    agent.set({ color: 'blue' });
    // Between retries the state is 'pending' with a next attempt; a retry may already be running.
    const status = await failed;
    expect(['pending', 'syncing']).toContain(status.state);
    if (status.state === 'pending') expect(status.nextAttemptAt).not.toBeNull();
    expect(status.explanation?.action).toMatch(/retries/);
    await eventually(
      () => agent.status(),
      (s) => s.state === 'synced' && s.pending === 0,
    );
    expect(serverValues().color).toBe('blue');
  });

  it('429: waits at least as long as Retry-After asks', async () => {
    await activated();
    emulator.faults.rateLimitNext(30);
    agent.set({ color: 'blue' });
    const started = Date.now();
    const result = await agent.syncNow();
    expect(result.outcome).toBe('retrying');
    expect(result.status.lastError).toMatchObject({ kind: 'rate_limit' });
    expect(Date.parse(result.status.nextAttemptAt ?? '') - started).toBeGreaterThanOrEqual(29_000);
  });

  it('license disabled: attention with the plain reason, kept, drains once re-enabled', async () => {
    await activated();
    agent.startEngine();
    emulator.state.changeLicense(license, { enabled: false });
    agent.set({ color: 'blue' });
    const held = await eventually(
      () => agent.status(),
      (s) => s.state === 'attention',
    );
    expect(held.lastError).toMatchObject({ kind: 'license', code: 'license_not_enabled' });
    expect(held.explanation).toEqual({
      reason: "This device's license is disabled.",
      action: 'Contact your administrator.',
      messages: {
        reason: { key: 'explain.code.license_not_enabled.reason' },
        action: { key: 'explain.code.license_not_enabled.action' },
      },
    });
    expect(held.pending).toBe(1);
    emulator.state.changeLicense(license, { enabled: true });
    await eventually(
      () => agent.status(),
      (s) => s.state === 'synced',
    );
    expect(serverValues().color).toBe('blue');
  });

  it('blacklisted device: attention, kept, drains once cleared', async () => {
    await activated();
    agent.startEngine();
    emulator.state.setBlacklisted(DEMO.product, HW, true);
    agent.set({ color: 'blue' });
    const held = await eventually(
      () => agent.status(),
      (s) => s.state === 'attention',
    );
    expect(held.lastError?.code).toBe('blacklisted');
    emulator.state.setBlacklisted(DEMO.product, HW, false);
    await eventually(
      () => agent.status(),
      (s) => s.state === 'synced',
    );
  });

  it('clock: attention with the measured offset, drains once the clock is right', async () => {
    await activated();
    agent.startEngine();
    emulator.faults.setClockSkew(22 * 60_000);
    agent.set({ color: 'blue' });
    const held = await eventually(
      () => agent.status(),
      (s) => s.state === 'attention',
    );
    expect(held.lastError?.kind).toBe('clock');
    expect(held.explanation?.reason).toMatch(/^Your clock is 22 minutes off/);
    emulator.faults.setClockSkew(0);
    await eventually(
      () => agent.status(),
      (s) => s.state === 'synced',
    );
  });

  it('credentials: attention that says what to fix, nothing lost', async () => {
    await agent.close();
    const dataDir = tempDir();
    agent = Agent.open({ config: emulatorConfig(emulator, dataDir, { hardwareId: HW, sharedKey: 'wrong' }) });
    agent.set({ color: 'blue' });
    const result = await agent.syncNow();
    expect(result.outcome).toBe('held');
    expect(result.status).toMatchObject({
      state: 'attention',
      pending: 1,
      lastError: { kind: 'credentials', code: 'signature_mismatch' },
    });
    expect(result.status.explanation?.action).toMatch(/shared key/);
    await agent.close();
    agent = Agent.open({ config: emulatorConfig(emulator, dataDir, { hardwareId: HW }) });
    expect((await agent.syncNow()).outcome).toBe('drained');
    expect(serverValues()).toEqual({ color: 'blue' });
  });

  it('device_not_found without activation allowed: attention, nothing sent', async () => {
    await agent.close();
    agent = Agent.open({ config: emulatorConfig(emulator, tempDir(), { hardwareId: HW, autoActivate: false }) });
    agent.set({ color: 'blue' });
    const result = await agent.syncNow();
    expect(result.status).toMatchObject({ state: 'attention', pending: 1, lastError: { code: 'device_not_found' } });
    expect(emulator.requests.some((entry) => entry.endpoint === 'activate_license')).toBe(false);
  });

  it('payload: the refused names alone become dead letters with the reason; retry and discard', async () => {
    emulator.state.load({ ...emulator.state.seed, validation: { rejectNames: ['bad-1', 'bad-2'] } });
    await activated();
    agent.set(Object.fromEntries(['a', 'b', 'bad-1', 'c', 'd', 'e', 'bad-2', 'f'].map((name) => [name, name])));
    const result = await agent.syncNow();
    expect(result.outcome).toBe('drained');
    expect(result.status).toMatchObject({ pending: 0, failed: 2 });
    expect(Object.keys(serverValues()).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'seed']);
    const failed = agent.variables().filter((variable) => variable.state === 'failed');
    expect(failed.map((variable) => [variable.name, variable.error?.code])).toEqual([
      ['bad-1', 'validation_error'],
      ['bad-2', 'validation_error'],
    ]);
    expect(failed[0]!.error?.message).toContain('bad-1');

    emulator.state.load({ ...emulator.state.seed, validation: { rejectNames: ['bad-2'] } });
    expect(agent.retryDeadLetters(['bad-1'])).toBe(1);
    await agent.syncNow();
    expect(serverValues()['bad-1']).toBe('bad-1');
    expect(agent.discardDeadLetters()).toBe(1);
    expect(agent.status().failed).toBe(0);
  });
});

describe('a server that repeats a secret the call did not carry', () => {
  it('keeps it out of the status, the refused values and everything stored', async () => {
    agent.close();
    const password = 'Pw-echoed-4711';
    const dataDir = tempDir();
    agent = Agent.open({ config: emulatorConfig(emulator, dataDir, { hardwareId: HW, password }) });
    // The track call signs with HMAC and carries no password; this server quotes it anyway.
    const message = `bad value; password was ${password}`;
    emulator.faults.add({
      type: 'raw',
      status: 400,
      body: JSON.stringify({ status: 400, code: 'validation_error', message }),
      only: ['track_device_variables'],
    });
    agent.set({ color: 'blue' });
    await agent.syncNow();
    const seen = JSON.stringify({ status: agent.status(), variables: agent.variables(), refused: agent.deadLetters() });
    expect(seen).toContain('password was [redacted]');
    expect(seen).not.toContain(password);
    agent.close();
    const stored = readdirSync(dataDir)
      .map((file) => readFileSync(join(dataDir, file)).toString('latin1'))
      .join('');
    expect(stored).toContain('password was [redacted]');
    expect(stored).not.toContain(password);
    agent = Agent.open({ config: emulatorConfig(emulator, tempDir(), { hardwareId: HW }) });
  });
});
