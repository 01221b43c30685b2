// Benchmark 3: cold start of `varsync status` (spawn to exit) and of the daemon (spawn to the
// first request the emulator sees), each against a bare `node -e ""` started in the same round.
import { join } from 'node:path';
import { Agent } from '../main/core/agent.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { envInt } from './lib/env.js';
import { spawnNode, stop, timeNodeRun } from './lib/proc.js';
import { row, type ResultRow } from './lib/report.js';
import { benchConfig, benchDir, childEnv, daemonEnv, VARSYNC_BIN, waitFor } from './lib/setup.js';
import { summarize } from './lib/stats.js';
import { startupBreakdown } from './startup-breakdown.js';

const HARDWARE_ID = 'bench-start-device';

interface StartRound {
  nodeMs: number;
  statusMs: number;
  daemonMs: number;
}

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
  const statusMs = await timeNodeRun([VARSYNC_BIN, 'status'], childEnv({ VARSYNC_DATA_DIR: dataDir }));
  const daemonMs = await timeDaemonToFirstRequest(emulator, dataDir);
  return { nodeMs, statusMs, daemonMs };
}

export async function benchColdStart(): Promise<ResultRow[]> {
  const reps = envInt('BENCH_START_REPS', 7);
  const emulator = await startEmulator();
  const dataDir = join(benchDir('start'), 'data');
  try {
    await startRound(emulator, dataDir, -1); // warm-up, discarded: fills tsx's transform cache and the page cache
    const rounds: StartRound[] = [];
    for (let round = 0; round < reps; round++) rounds.push(await startRound(emulator, dataDir, round));
    return [...describeStartResults(rounds), ...(await startupBreakdown(envInt('BENCH_START_BREAKDOWN_REPS', 5)))];
  } finally {
    await emulator.close();
  }
}

function describeStartResults(rounds: StartRound[]): ResultRow[] {
  const bench = '3 cold start';
  const ratio = (pick: (round: StartRound) => number) => summarize(rounds.map((round) => pick(round) / round.nodeMs));
  return [
    row(bench, 'node -e "" (baseline)', summarize(rounds.map((round) => round.nodeMs)), 'ms', 'spawn to exit'),
    row(bench, 'varsync status', summarize(rounds.map((round) => round.statusMs)), 'ms', 'spawn to exit'),
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
