// Benchmark 4: an idle daemon (nothing to send) over BENCH_IDLE_SECONDS (default 60): CPU time
// and RSS from /proc, next to an idle bare `node` and an idle `node` holding a better-sqlite3
// database open (WAL), started at the same time: the daemon does not busy-poll, and its memory
// is compared with the floor of any Node process with SQLite (docs/BENCHMARKS.md goals).
import { join } from 'node:path';
import { startEmulator } from '../emulator/index.js';
import { envInt, envNumber } from './lib/env.js';
import { clockTicksPerSecond, sampleProc, spawnNode, stop, type ProcSample, type Spawned } from './lib/proc.js';
import { row, type ResultRow } from './lib/report.js';
import { benchDir, childEnv, daemonEnv, sleep, VARSYNC_BIN } from './lib/setup.js';
import { single, summarize } from './lib/stats.js';

/** A bare node that stays alive and does nothing: the floor for RSS and idle CPU. */
const IDLE_NODE = 'setInterval(() => {}, 1 << 30)';
/** The same, holding a better-sqlite3 database open in WAL mode (the database's path is its argument). */
const IDLE_SQLITE_NODE = `const db = new (require('better-sqlite3'))(process.argv[1]); db.pragma('journal_mode = WAL'); ${IDLE_NODE}`;

interface Window {
  seconds: number;
  start: ProcSample;
  end: ProcSample;
}

function cpuPercent(window: Window): number {
  return ((window.end.cpuTicks - window.start.cpuTicks) / clockTicksPerSecond() / window.seconds) * 100;
}

function wakeupsPerSecond(window: Window): number {
  return (window.end.voluntarySwitches - window.start.voluntarySwitches) / window.seconds;
}

/** Sample both processes at the edges of equal windows covering the whole duration. */
async function sampleWindows(pids: number[], seconds: number, windows: number): Promise<Window[][]> {
  const length = seconds / windows;
  const result: Window[][] = pids.map(() => []);
  let starts = pids.map(sampleProc);
  for (let index = 0; index < windows; index++) {
    await sleep(length * 1000);
    const ends = pids.map(sampleProc);
    pids.forEach((_, which) => result[which]!.push({ seconds: length, start: starts[which]!, end: ends[which]! }));
    starts = ends;
  }
  return result;
}

function whole(windows: Window[]): Window {
  return {
    seconds: windows.reduce((sum, window) => sum + window.seconds, 0),
    start: windows[0]!.start,
    end: windows.at(-1)!.end,
  };
}

export async function benchIdle(): Promise<ResultRow[]> {
  const seconds = envNumber('BENCH_IDLE_SECONDS', 60);
  const windows = envInt('BENCH_IDLE_WINDOWS', 6);
  const settleMs = envInt('BENCH_IDLE_SETTLE_MS', 3_000);
  const emulator = await startEmulator();
  const started: Spawned[] = [];
  try {
    const daemon = spawnNode(
      [VARSYNC_BIN, 'run'],
      daemonEnv(emulator.url, join(benchDir('idle'), 'data'), 'bench-idle-device'),
    );
    started.push(daemon);
    started.push(spawnNode(['-e', IDLE_NODE], childEnv({})));
    started.push(spawnNode(['-e', IDLE_SQLITE_NODE, join(benchDir('idle-sqlite'), 'bare.db')], childEnv({})));
    await sleep(settleMs); // start-up (loading, migrations, the first empty pass) is benchmark 3's business
    if (daemon.child.exitCode !== null) throw new Error(`the daemon exited: ${daemon.stderr().trim()}`);
    const before = emulator.requests.length;
    const [daemonWindows, bareWindows, sqliteWindows] = await sampleWindows(
      started.map((run) => run.child.pid!),
      seconds,
      windows,
    );
    return describeIdleResults(daemonWindows!, bareWindows!, sqliteWindows!, emulator.requests.length - before);
  } finally {
    for (const run of started) await stop(run);
    await emulator.close();
  }
}

function describeIdleResults(daemon: Window[], bare: Window[], sqlite: Window[], requests: number): ResultRow[] {
  const bench = '4 idle daemon';
  const all = whole(daemon);
  const span = `${all.seconds.toFixed(0)} s in ${daemon.length} windows`;
  return [
    row(
      bench,
      'daemon CPU (share of one core)',
      { ...summarize(daemon.map(cpuPercent)), median: cpuPercent(all) },
      '%',
      `${span}; median = whole span`,
    ),
    row(
      bench,
      'daemon CPU time over the span',
      single(((all.end.cpuTicks - all.start.cpuTicks) / clockTicksPerSecond()) * 1000),
      'ms',
      `tick = ${1000 / clockTicksPerSecond()} ms`,
    ),
    row(
      bench,
      'daemon main-thread wakeups',
      summarize(daemon.map(wakeupsPerSecond)),
      '/s',
      'voluntary context switches',
    ),
    row(bench, 'daemon RSS at the start', single(all.start.rssKiB / 1024), 'MiB', 'VmRSS'),
    row(bench, 'daemon RSS at the end', single(all.end.rssKiB / 1024), 'MiB', 'VmRSS'),
    row(
      bench,
      'daemon RSS at window ends',
      summarize(daemon.map((window) => window.end.rssKiB / 1024)),
      'MiB',
      'does it grow?',
    ),
    row(bench, 'bare node RSS (baseline)', single(whole(bare).end.rssKiB / 1024), 'MiB', 'same span'),
    row(
      bench,
      'node + better-sqlite3 RSS (baseline)',
      single(whole(sqlite).end.rssKiB / 1024),
      'MiB',
      'a database open in WAL mode, idle',
    ),
    row(bench, 'bare node CPU (baseline)', single(cpuPercent(whole(bare))), '%'),
    row(
      bench,
      'daemon threads',
      single(all.end.threads),
      'threads',
      `bare node: ${whole(bare).end.threads}, with better-sqlite3: ${whole(sqlite).end.threads}`,
    ),
    row(bench, 'daemon RSS / bare node (ratio)', single(all.end.rssKiB / whole(bare).end.rssKiB), '×'),
    row(
      bench,
      'daemon RSS / node + better-sqlite3 (ratio)',
      single(all.end.rssKiB / whole(sqlite).end.rssKiB),
      '×',
      'goal: at most 1.5',
    ),
    row(bench, 'requests while idle', single(requests), 'requests', 'nothing to send'),
  ];
}
