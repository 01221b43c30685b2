// The engine as a good citizen of a fleet (pacing.ts and its use in engine.ts), on a virtual
// clock with a scripted random source and a real SQLite store: Retry-After honoured and spread,
// absurd values clamped and logged, the pause kept across a restart, jitter on start, coming back
// online and the interval, batches that grow after refusals, and the quiet path left alone.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LicenseApiError, classifyFailure } from '../../main/core/api/errors.js';
import type { Logger } from '../../main/core/log.js';
import { migrate } from '../../main/core/store/migrations.js';
import { VariableStore } from '../../main/core/store/variable-store.js';
import { SyncEngine, type EngineClient, type SyncEngineOptions } from '../../main/core/sync/engine.js';
import {
  batchSizeAfter,
  intervalWait,
  rateLimitWait,
  RETRY_AFTER_CLAMP_MS,
  spreadWait,
} from '../../main/core/sync/pacing.js';
import { VirtualClock } from '../../bench/fleet/virtual-clock.js';

const T0 = Date.UTC(2026, 0, 1);
const POLICY = { baseMs: 1_000, maxMs: 300_000 };

type Answer = 'ok' | { status: number; retryAfterMs?: number } | 'offline';

/** A client that records every call's virtual time and answers from a script (then 'ok'). */
function scriptedClient(clock: VirtualClock, script: Answer[] = []) {
  const calls: Array<{ at: number; endpoint: string; size: number }> = [];
  const answer = (endpoint: string, size: number) => {
    calls.push({ at: clock.now(), endpoint, size });
    const next = script.shift() ?? 'ok';
    if (next === 'offline')
      throw new LicenseApiError({ code: 'ECONNREFUSED', message: 'refused', endpoint, kind: 'network' });
    if (next !== 'ok')
      throw new LicenseApiError({ ...next, code: 'too_many_requests', message: 'slow down', endpoint });
  };
  const client: EngineClient = {
    clockOffsetMs: 0,
    async trackDeviceVariables(_ref, variables) {
      answer('track', Object.keys(variables).length);
      return Object.entries(variables).map(([name, value]) => ({ name, value, deviceId: 1, createdAt: clock.now() }));
    },
    async activateLicense() {
      throw new Error('not used');
    },
    async probe() {
      answer('probe', 0);
      return {} as Awaited<ReturnType<EngineClient['probe']>>;
    },
  };
  return { client, calls, script };
}

function recordingLog() {
  const lines: string[] = [];
  const log: Logger = {
    error: (line) => lines.push(`error ${line}`),
    warn: (line) => lines.push(`warn ${line}`),
    info: (line) => lines.push(`info ${line}`),
    debug: () => {},
    child: () => log,
  };
  return { log, lines };
}

const engines: SyncEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
});

function makeStore(clock: VirtualClock, db = new Database(':memory:')) {
  migrate(db);
  return { db, store: new VariableStore(db, clock.now) };
}

function makeEngine(
  clock: VirtualClock,
  store: VariableStore,
  client: EngineClient,
  options: Partial<SyncEngineOptions> = {},
): SyncEngine {
  const engine = new SyncEngine({
    store,
    client,
    ref: { product: 'p', hardwareId: 'hw', licenseKey: 'k' },
    activation: { allowed: false },
    batchSize: 10,
    backoff: POLICY,
    intervalMs: 300_000,
    recheckMs: 300_000,
    debounceMs: 200,
    log: recordingLog().log,
    clock,
    random: () => 0.5,
    ...options,
  });
  engines.push(engine);
  return engine;
}

function queue(store: VariableStore, count: number, prefix = 'v'): void {
  store.set(Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, i])));
}

describe('pacing rules', () => {
  it('honours Retry-After as a floor and spreads above it by a random share of the larger of it and the backoff', () => {
    expect(rateLimitWait(30_000, 1, POLICY, () => 0)).toEqual({ delayMs: 30_000 });
    expect(rateLimitWait(30_000, 1, POLICY, () => 0.5)).toEqual({ delayMs: 45_000 });
    // Late in a run of failures the backoff ceiling (here 64 s) is the larger spread.
    expect(rateLimitWait(30_000, 7, POLICY, () => 1)).toEqual({ delayMs: 94_000 });
    // No Retry-After: full-jitter backoff.
    expect(rateLimitWait(undefined, 3, POLICY, () => 0.5)).toEqual({ delayMs: 2_000 });
  });

  it('sends a fleet told the same Retry-After back over a spread, not in the same second', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const seconds = new Set<number>();
    for (let device = 0; device < 1_000; device++) {
      const { delayMs } = rateLimitWait(30_000, 1, POLICY, random);
      expect(delayMs).toBeGreaterThanOrEqual(30_000);
      expect(delayMs).toBeLessThanOrEqual(60_000);
      seconds.add(Math.floor(delayMs / 1000));
    }
    expect(seconds.size).toBeGreaterThanOrEqual(28);
  });

  it('clamps an absurd Retry-After to a day and says what it was', () => {
    const tenDays = 10 * 24 * 3600 * 1000;
    const wait = rateLimitWait(tenDays, 1, POLICY, () => 0);
    expect(wait).toEqual({ delayMs: RETRY_AFTER_CLAMP_MS, clampedFromMs: tenDays });
    expect(rateLimitWait(tenDays, 1, POLICY, () => 1).delayMs).toBe(2 * RETRY_AFTER_CLAMP_MS);
  });

  it('bounds the start/online spread and the interval jitter', () => {
    expect(spreadWait(0, () => 0.9)).toBe(0);
    expect(spreadWait(100_000, () => 0)).toBe(0);
    expect(spreadWait(100_000, () => 0.999)).toBe(99_900);
    expect(intervalWait(300_000, () => 0)).toBe(270_000);
    expect(intervalWait(300_000, () => 1)).toBe(330_000);
  });

  it('doubles the batch per refusal, up to the cap', () => {
    expect([0, 1, 2, 3, 20].map((refusals) => batchSizeAfter(100, refusals))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('counts a 429, and a 503 that says when to come back, as rate limiting; a bare 503 is a server failure', () => {
    expect(classifyFailure(429)).toBe('rate_limit');
    expect(classifyFailure(503, 'too_many_requests', true)).toBe('rate_limit');
    expect(classifyFailure(503, 'server_error')).toBe('server');
    expect(new LicenseApiError({ status: 503, code: 'x', message: 'm', endpoint: 'e', retryAfterMs: 5_000 }).kind).toBe(
      'rate_limit',
    );
  });
});

describe('the engine under rate limiting', () => {
  it('waits Retry-After plus its spread after a 429, logs when, and sends bigger batches next', async () => {
    const clock = new VirtualClock(T0);
    const { store } = makeStore(clock);
    const { client, calls } = scriptedClient(clock, [{ status: 429, retryAfterMs: 30_000 }]);
    const { log, lines } = recordingLog();
    queue(store, 25);
    const engine = makeEngine(clock, store, client, { log, random: () => 0.25 });
    engine.start();
    await clock.runUntil(T0 + 1_000);
    expect(calls).toEqual([{ at: T0, endpoint: 'track', size: 10 }]);
    expect(engine.status).toMatchObject({ rateLimitedUntil: T0 + 37_500, nextAttemptAt: T0 + 37_500 });
    expect(lines.some((line) => line.includes('rate limited by the License API (Retry-After 30 s)'))).toBe(true);
    // A set meanwhile does not jump the wait.
    queue(store, 1, 'late');
    await clock.runUntil(T0 + 37_499);
    expect(calls).toHaveLength(1);
    await clock.runUntil(T0 + 40_000);
    // One refusal: batches of 20 instead of 10 (26 pending: 20 + 6).
    expect(calls.slice(1).map((call) => [call.at, call.size])).toEqual([
      [T0 + 37_500, 20],
      [T0 + 37_500, 6],
    ]);
    expect(store.pendingCount()).toBe(0);
    expect(engine.status.rateLimitedUntil).toBeNull();
  });

  it('logs and clamps a Retry-After of more than a day', async () => {
    const clock = new VirtualClock(T0);
    const { store } = makeStore(clock);
    const { client } = scriptedClient(clock, [{ status: 429, retryAfterMs: 5 * 86_400_000 }]);
    const { log, lines } = recordingLog();
    queue(store, 1);
    const engine = makeEngine(clock, store, client, { log, random: () => 0 });
    engine.start();
    await clock.runUntil(T0 + 1_000);
    expect(engine.status.rateLimitedUntil).toBe(T0 + RETRY_AFTER_CLAMP_MS);
    expect(lines).toContainEqual(
      expect.stringMatching(/^warn the License API asked to wait 432000 s; not believing more than a day/),
    );
  });

  it('keeps the rate-limit pause across a restart: the new engine sends nothing before it ends', async () => {
    const clock = new VirtualClock(T0);
    const { db, store } = makeStore(clock);
    const first = scriptedClient(clock, [{ status: 429, retryAfterMs: 120_000 }]);
    queue(store, 3);
    const engine = makeEngine(clock, store, first.client, { random: () => 0 });
    engine.start();
    await clock.runUntil(T0 + 1_000);
    await engine.stop();
    expect(first.calls).toHaveLength(1);

    // A restart ten seconds later, on the same database.
    await clock.runUntil(T0 + 10_000);
    const second = scriptedClient(clock);
    const { log, lines } = recordingLog();
    const restarted = makeEngine(clock, new VariableStore(db, clock.now), second.client, { log, random: () => 0 });
    restarted.start();
    await clock.runUntil(T0 + 119_999);
    expect(second.calls).toHaveLength(0);
    expect(lines).toContainEqual(expect.stringContaining('saved by the last run'));
    await clock.runUntil(T0 + 121_000);
    expect(second.calls).toEqual([{ at: T0 + 120_000, endpoint: 'track', size: 3 }]);
  });

  it('spreads the first pass after start over the fleet spread, and a set meanwhile waits for it', async () => {
    const clock = new VirtualClock(T0);
    const { store } = makeStore(clock);
    const { client, calls } = scriptedClient(clock);
    queue(store, 2);
    const engine = makeEngine(clock, store, client, { fleetSpreadMs: 100_000, random: () => 0.7 });
    engine.start();
    await clock.runUntil(T0 + 5_000);
    engine.notifyChange();
    await clock.runUntil(T0 + 69_999);
    expect(calls).toHaveLength(0);
    await clock.runUntil(T0 + 70_000);
    expect(calls).toEqual([{ at: T0 + 70_000, endpoint: 'track', size: 2 }]);
  });

  it('after the API comes back, sends after the fleet spread, not at the probe', async () => {
    const clock = new VirtualClock(T0);
    const { store } = makeStore(clock);
    const { client, calls } = scriptedClient(clock, ['offline']);
    queue(store, 1);
    const engine = makeEngine(clock, store, client, { fleetSpreadMs: 200_000, random: () => 0.5 });
    engine.start();
    await clock.runUntil(T0 + 400_000);
    const [failed, probe, sent] = calls;
    // The first pass after start is spread too (0.5 x 200 s).
    expect(failed).toMatchObject({ at: T0 + 100_000, endpoint: 'track' });
    // Offline retries probe, at most OFFLINE_PROBE_MAX_MS apart (here the first backoff, 0.5 s).
    expect(probe).toMatchObject({ at: T0 + 100_500, endpoint: 'probe' });
    // Half the spread after the probe that found it back.
    expect(sent).toMatchObject({ at: T0 + 100_500 + 100_000, endpoint: 'track' });
    expect(store.pendingCount()).toBe(0);
  });

  it('varies the routine interval by up to 10% either way', async () => {
    for (const [random, expected] of [
      [0, 270_000],
      [1, 330_000],
    ] as const) {
      const clock = new VirtualClock(T0);
      const { store } = makeStore(clock);
      const { client } = scriptedClient(clock);
      queue(store, 1);
      const engine = makeEngine(clock, store, client, { random: () => random });
      engine.start();
      await clock.runUntil(T0 + 1_000);
      queue(store, 1, 'again');
      // Not through notifyChange: the routine pass finds it.
      await clock.runUntil(T0 + expected - 1);
      expect(store.pendingCount()).toBe(1);
      await clock.runUntil(T0 + expected);
      expect(store.pendingCount()).toBe(0);
    }
  });

  it('leaves the quiet path alone: with no recent 429 a set goes out after the 200 ms debounce', async () => {
    const clock = new VirtualClock(T0);
    const { store } = makeStore(clock);
    const { client, calls } = scriptedClient(clock);
    const engine = makeEngine(clock, store, client, { fleetSpreadMs: 0, random: () => 0.99 });
    engine.start();
    await clock.runUntil(T0 + 10_000);
    queue(store, 1);
    engine.notifyChange();
    await clock.runUntil(T0 + 10_200);
    expect(calls).toEqual([{ at: T0 + 10_200, endpoint: 'track', size: 1 }]);
  });

  it('after a recent 429, a set waits a random share of a minute on top of the debounce', async () => {
    const clock = new VirtualClock(T0);
    const { store } = makeStore(clock);
    const { client, calls } = scriptedClient(clock, [{ status: 429, retryAfterMs: 1_000 }]);
    queue(store, 1);
    const engine = makeEngine(clock, store, client, { random: () => 0.5 });
    engine.start();
    await clock.runUntil(T0 + 10_000);
    expect(calls).toHaveLength(2); // refused, then sent at 1 s + 0.5 s
    queue(store, 1, 'next');
    engine.notifyChange();
    await clock.runUntil(T0 + 10_000 + 200 + 30_000 - 1);
    expect(calls).toHaveLength(2);
    await clock.runUntil(T0 + 10_000 + 200 + 30_000);
    expect(calls).toHaveLength(3);
  });
});
