// Benchmark 1: the latency of one durable `agent.set({name: value})` against a bare better-sqlite3
// upsert with the same pragmas, one transaction per call, in the same folder, in interleaved
// rounds. A breakdown (set-breakdown.ts) then says where the difference goes.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Agent } from '../main/core/agent.js';
import { envInt } from './lib/env.js';
import { roundRatios, runRounds, timeCalls, variant, type Call, type Variant } from './lib/interleave.js';
import { row, type ResultRow } from './lib/report.js';
import { benchConfig, benchDir, freePort, waitFor } from './lib/setup.js';
import { median, single, summarize } from './lib/stats.js';
import { setBreakdown } from './set-breakdown.js';

const NAMES = 100;
/** Values of the measured calls start here, past those of the warm-up. */
const FIRST_MEASURED = 1_000_000_000;

export const BENCH_SET = '1 set latency';

export type Synchronous = 'FULL' | 'OFF';

export interface SetTarget {
  call: Call;
  db: Database.Database;
  close: () => void;
}

export function nameOf(index: number): string {
  return `var-${index % NAMES}`;
}

/** The baseline: one upsert in one IMMEDIATE transaction (as the store uses), WAL, synchronous=FULL. */
export function openBare(path: string, synchronous: Synchronous = 'FULL'): SetTarget {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE variables (name TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const upsert = db.prepare<[string, string]>(
    'INSERT INTO variables (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
  );
  const write = db.transaction((name: string, value: string) => upsert.run(name, value));
  return { call: (index) => write.immediate(nameOf(index), JSON.stringify(index)), db, close: () => db.close() };
}

/**
 * Warm up past the first WAL checkpoint: while the -wal file still grows, every commit also
 * flushes its new size, which costs about twice as much as overwriting it in place later.
 */
export function warmUp(variants: Variant[]): void {
  const calls = envInt('BENCH_SET_WARMUP', 1_200);
  for (const current of variants) timeCalls(current.call, 0, calls);
}

/**
 * An agent whose engine runs while the server is down (a closed loopback port): the state sets
 * meet during an outage. The rounds never yield to the event loop, so it stays offline throughout.
 */
async function openOfflineAgent(dataDir: string): Promise<Agent> {
  const port = await freePort();
  const agent = Agent.open({
    config: benchConfig(dataDir, {
      apiUrl: `http://127.0.0.1:${port}`,
      debounceMs: 0,
      retryBaseMs: 60_000,
      retryMaxMs: 60_000,
    }),
  });
  agent.startEngine();
  agent.set({ 'bench-offline': true });
  await waitFor('the engine to see the server down', () => agent.status().state === 'offline');
  return agent;
}

export async function benchSetLatency(): Promise<ResultRow[]> {
  const rounds = envInt('BENCH_SET_ROUNDS', 15);
  const calls = envInt('BENCH_SET_CALLS', 200);
  const dir = benchDir('set');
  const agent = Agent.open({ config: benchConfig(join(dir, 'agent')) });
  const offline = await openOfflineAgent(join(dir, 'offline'));
  const bare = openBare(join(dir, 'bare.db'));
  let rows: ResultRow[];
  try {
    const variants = [
      variant('bare upsert', bare.call),
      // The store alone (no validation, no change event): splits the agent's overhead in two.
      variant('agent.store.set', (index) => agent.store.set({ [nameOf(index)]: index })),
      variant('agent.set', (index) => agent.set({ [nameOf(index)]: index })),
      variant('agent.set, engine offline', (index) => offline.set({ [nameOf(index)]: index })),
    ];
    warmUp(variants);
    runRounds(variants, rounds, calls, FIRST_MEASURED);
    rows = describeSetResults(variants, rounds, calls);
  } finally {
    await agent.close();
    await offline.close();
    bare.close();
  }
  return [...rows, ...setBreakdown(rounds, calls)];
}

function describeSetResults(variants: Variant[], rounds: number, calls: number): ResultRow[] {
  const [bare, store, agent, offline] = variants as [Variant, Variant, Variant, Variant];
  const per = `${rounds} rounds × ${calls} calls`;
  return [
    ...variants.map((current) =>
      row(
        BENCH_SET,
        `${current.name}: per-call median`,
        { ...summarize(current.roundMedians), median: median(current.samples) },
        'ms',
        `all ${current.samples.length} calls; range = round medians`,
      ),
    ),
    row(
      BENCH_SET,
      'agent.set / bare (ratio)',
      summarize(roundRatios(agent, bare)),
      '×',
      `per-round ratios, ${per}; goal ≤ 1.25`,
    ),
    row(
      BENCH_SET,
      'agent.store.set / bare (ratio)',
      summarize(roundRatios(store, bare)),
      '×',
      'the store transaction alone',
    ),
    row(
      BENCH_SET,
      'agent.set, engine offline / bare (ratio)',
      summarize(roundRatios(offline, bare)),
      '×',
      'each set also re-publishes the engine snapshot',
    ),
    row(
      BENCH_SET,
      'agent.set − bare (absolute)',
      single((median(agent.samples) - median(bare.samples)) * 1000),
      'µs',
      'difference of the medians of all calls',
    ),
  ];
}
