// Benchmark 3: cold start of `varsync set` and `varsync status --json` (spawn to exit), each against
// a bare Node script that opens the same kind of SQLite file (WAL, synchronous=FULL) and upserts one
// row, and of the daemon (spawn to the first request the emulator sees) against a bare
// `node -e ""`; all started in the same round, the ratios taken per round.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from '../main/core/agent.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { envInt } from './lib/env.js';
import { spawnNode, stop, timeNodeRun } from './lib/proc.js';
import { row, type ResultRow } from './lib/report.js';
import { benchConfig, benchDir, childEnv, daemonEnv, VARSYNC_BIN, waitFor } from './lib/setup.js';
import { single, summarize } from './lib/stats.js';
import { startupBreakdown } from './startup-breakdown.js';

const HARDWARE_ID = 'bench-start-device';

interface StartRound {
  nodeMs: number;
  bareUpsertMs: number;
  setMs: number;
  statusMs: number;
  daemonMs: number;
}

/** The floor of `varsync set`: Node, better-sqlite3, a WAL file with synchronous=FULL, one upsert in a transaction. */
const BARE_UPSERT = `
const db = new (require('better-sqlite3'))(process.argv[1]);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS variables (name TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL)');
const upsert = db.prepare('INSERT INTO variables VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at');
db.transaction(() => upsert.run('bench.round', process.argv[2], Date.now()))();
db.close();
`;

/** Queue one new value, so that the daemon has something to send as soon as it is up. */
async function queueOne(dataDir: string, apiUrl: string, round: number): Promise<void> {
  const agent = Agent.open({ config: benchConfig(dataDir, { apiUrl, hardwareId: HARDWARE_ID }) });
  try {
    agent.set({ 'bench-start': round });
  } finally {
    await agent.close();
  }
}

/** Spawn `varsync run`; the time until the emulator logs its first request (the server's clock is ours). */
async function timeDaemonToFirstRequest(emulator: Emulator, dataDir: string): Promise<number> {
  emulator.requests.length = 0;
  const spawnedAt = Date.now();
  const daemon = spawnNode([VARSYNC_BIN, 'run'], daemonEnv(emulator.url, dataDir, HARDWARE_ID));
  let exited = false;
  void daemon.exited.then(() => (exited = true));
  try {
    await waitFor("the daemon's first request", () => emulator.requests.length > 0 || exited, 30_000, 1);
    if (exited) throw new Error(`the daemon exited before its first request: ${daemon.stderr().trim()}`);
    return emulator.requests[0]!.at - spawnedAt;
  } finally {
    await stop(daemon);
  }
}

async function startRound(emulator: Emulator, dataDir: string, round: number): Promise<StartRound> {
  await queueOne(dataDir, emulator.url, round);
  const nodeMs = await timeNodeRun(['-e', ''], childEnv({}));
  const bareUpsertMs = await timeNodeRun(
    ['-e', BARE_UPSERT, join(dataDir, '..', 'bare.db'), String(round)],
    childEnv({}),
  );
  const setMs = await timeNodeRun(
    [VARSYNC_BIN, 'set', `bench.round=${round}`],
    childEnv({ VARSYNC_DATA_DIR: dataDir }),
  );
  const statusMs = await timeNodeRun([VARSYNC_BIN, 'status', '--json'], childEnv({ VARSYNC_DATA_DIR: dataDir }));
  const daemonMs = await timeDaemonToFirstRequest(emulator, dataDir);
  return { nodeMs, bareUpsertMs, setMs, statusMs, daemonMs };
}

export async function benchColdStart(): Promise<ResultRow[]> {
  const reps = envInt('BENCH_START_REPS', 7);
  const emulator = await startEmulator();
  const dataDir = join(benchDir('start'), 'data');
  try {
    await startRound(emulator, dataDir, -1); // warm-up, discarded: fills the page cache
    const rounds: StartRound[] = [];
    for (let round = 0; round < reps; round++) rounds.push(await startRound(emulator, dataDir, round));
    return [
      ...describeStartResults(rounds),
      ...(await startupBreakdown(envInt('BENCH_START_BREAKDOWN_REPS', 5))),
      ...electronBundleSize(),
    ];
  } finally {
    await emulator.close();
  }
}

/** The desktop app's main-process bundle; its cold start to the tray icon needs an Electron binary, which is not measured here. */
function electronBundleSize(): ResultRow[] {
  const bundle = fileURLToPath(new URL('../out/main/main.mjs', import.meta.url));
  if (!existsSync(bundle)) return [];
  return [
    row(
      '3 cold start',
      'Electron main bundle (out/main/main.mjs)',
      single(statSync(bundle).size / 1024),
      'KiB',
      'cold start to the tray icon: needs an Electron binary, not measured here',
    ),
  ];
}

function describeStartResults(rounds: StartRound[]): ResultRow[] {
  const bench = '3 cold start';
  const ratio = (pick: (round: StartRound) => number, base: (round: StartRound) => number = (round) => round.nodeMs) =>
    summarize(rounds.map((round) => pick(round) / base(round)));
  const ms = (pick: (round: StartRound) => number) => summarize(rounds.map(pick));
  return [
    row(
      bench,
      'node -e "" (baseline)',
      ms((round) => round.nodeMs),
      'ms',
      'spawn to exit',
    ),
    row(
      bench,
      'node + SQLite upsert (baseline)',
      ms((round) => round.bareUpsertMs),
      'ms',
      'WAL, synchronous=FULL, one row; spawn to exit',
    ),
    row(
      bench,
      'varsync set',
      ms((round) => round.setMs),
      'ms',
      'spawn to exit',
    ),
    row(
      bench,
      'varsync status --json',
      ms((round) => round.statusMs),
      'ms',
      'spawn to exit',
    ),
    row(
      bench,
      'set / node + SQLite upsert (ratio)',
      ratio(
        (round) => round.setMs,
        (round) => round.bareUpsertMs,
      ),
      '×',
      'goal: at most 1.5',
    ),
    row(
      bench,
      'status --json / node + SQLite upsert (ratio)',
      ratio(
        (round) => round.statusMs,
        (round) => round.bareUpsertMs,
      ),
      '×',
      'goal: at most 1.5',
    ),
    row(
      bench,
      'varsync run → first request',
      summarize(rounds.map((round) => round.daemonMs)),
      'ms',
      'spawn to the emulator logging it',
    ),
    row(
      bench,
      'status / node (ratio)',
      ratio((round) => round.statusMs),
      '×',
      'per-round ratios',
    ),
    row(
      bench,
      'run first request / node (ratio)',
      ratio((round) => round.daemonMs),
      '×',
      'per-round ratios',
    ),
  ];
}
