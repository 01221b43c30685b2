// Benchmark 6: the headless daemon's memory with 10,000 confirmed variables, next to a daemon on an
// empty database started at the same moment. Both run `varsync run --ui`; RSS is read from /proc
// after they settle, then again after each has served its variable list once (what opening the
// status page costs).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from '../main/core/agent.js';
import { findStatusUrl, tokenOfStatusUrl } from '../main/web/status-url.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { envInt } from './lib/env.js';
import { confirmNames } from './lib/fill.js';
import { sampleMemory, spawnNode, stop, type MemorySample, type Spawned } from './lib/proc.js';
import { row, type ResultRow } from './lib/report.js';
import { benchConfig, benchDir, daemonEnv, sleep, VARSYNC_BIN, waitFor } from './lib/setup.js';
import { median, single, summarize } from './lib/stats.js';

const BENCH_RSS = '6 daemon memory';

const FULL_DEVICE = 'bench-rss-full';
const EMPTY_DEVICE = 'bench-rss-empty';
/** Samples per reading, taken this far apart: RSS moves with every minor GC. */
const SAMPLES = 5;
const SAMPLE_EVERY_MS = 400;

interface Daemon {
  run: Spawned;
  origin: string;
  token: string;
}

interface Round {
  empty: { settled: MemorySample; served: MemorySample };
  full: { settled: MemorySample; served: MemorySample };
  listBytes: { empty: number; full: number };
}

/** A data folder whose database holds `count` variables confirmed by the emulator, nothing pending; and the file's size. */
async function fullDataDir(emulator: Emulator, count: number): Promise<{ dataDir: string; databaseBytes: number }> {
  const dataDir = join(benchDir('rss-full'), 'data');
  const agent = Agent.open({ config: benchConfig(dataDir, { apiUrl: emulator.url, hardwareId: FULL_DEVICE }) });
  let path: string;
  try {
    await confirmNames(agent, emulator, FULL_DEVICE, count, (index) => `value-${index}`);
    const view = agent.variables();
    if (view.length !== count || view.some((variable) => variable.state !== 'synced'))
      throw new Error(`expected ${count} synced variables, found ${view.length}`);
    path = agent.status().database.path;
  } finally {
    await agent.close();
  }
  // Closing the last connection checkpoints the WAL into the file; count a leftover WAL anyway.
  const bytes = (file: string) => (existsSync(file) ? statSync(file).size : 0);
  return { dataDir, databaseBytes: bytes(path) + bytes(`${path}-wal`) };
}

async function startDaemon(apiUrl: string, dataDir: string, hardwareId: string): Promise<Daemon> {
  const run = spawnNode([VARSYNC_BIN, 'run', '--ui'], daemonEnv(apiUrl, dataDir, hardwareId), { keepStdout: true });
  await waitFor(
    'the daemon to print its status page',
    () => findStatusUrl(run.stdout()) !== undefined || run.child.exitCode !== null,
    30_000,
    20,
  );
  const printed = findStatusUrl(run.stdout());
  if (!printed) throw new Error(`the daemon exited: ${run.stderr().trim()}`);
  return { run, origin: new URL(printed).origin, token: tokenOfStatusUrl(printed) };
}

/** The median of a few samples per process, taken at the same moments for both. */
async function readMemory(pids: number[]): Promise<MemorySample[]> {
  const samples: MemorySample[][] = pids.map(() => []);
  for (let index = 0; index < SAMPLES; index++) {
    if (index > 0) await sleep(SAMPLE_EVERY_MS);
    pids.forEach((pid, which) => samples[which]!.push(sampleMemory(pid)));
  }
  return samples.map((list) => ({
    rssKiB: median(list.map((sample) => sample.rssKiB)),
    anonKiB: median(list.map((sample) => sample.anonKiB)),
  }));
}

/** GET /api/variables as the status page does (with the run's token); returns the body's size. */
async function serveList(daemon: Daemon, expected: number): Promise<number> {
  const answer = await fetch(new URL('/api/variables', daemon.origin), {
    headers: { Authorization: `Bearer ${daemon.token}` },
  });
  const body = await answer.text();
  const list = JSON.parse(body) as unknown[];
  if (!answer.ok || list.length !== expected)
    throw new Error(`/api/variables answered ${answer.status} with ${list.length} variables, expected ${expected}`);
  return Buffer.byteLength(body);
}

async function round(emulator: Emulator, fullDir: string, names: number, settleMs: number): Promise<Round> {
  const started: Spawned[] = [];
  try {
    // Started together, so that both see the same machine while they load and settle.
    const [empty, full] = await Promise.all([
      startDaemon(emulator.url, join(benchDir('rss-empty'), 'data'), EMPTY_DEVICE).then(
        (daemon) => (started.push(daemon.run), daemon),
      ),
      startDaemon(emulator.url, fullDir, FULL_DEVICE).then((daemon) => (started.push(daemon.run), daemon)),
    ]);
    await sleep(settleMs);
    const pids = [empty.run.child.pid!, full.run.child.pid!];
    const [emptySettled, fullSettled] = await readMemory(pids);
    const listBytes = { empty: await serveList(empty, 0), full: await serveList(full, names) };
    await sleep(SAMPLE_EVERY_MS);
    const [emptyServed, fullServed] = await readMemory(pids);
    return {
      empty: { settled: emptySettled!, served: emptyServed! },
      full: { settled: fullSettled!, served: fullServed! },
      listBytes,
    };
  } finally {
    for (const run of started) await stop(run);
  }
}

export async function benchRss(): Promise<ResultRow[]> {
  const names = envInt('BENCH_RSS_NAMES', 10_000);
  const reps = envInt('BENCH_RSS_REPS', 3);
  const settleMs = envInt('BENCH_RSS_SETTLE_MS', 4_000);
  const emulator = await startEmulator();
  try {
    const { dataDir: fullDir, databaseBytes } = await fullDataDir(emulator, names);
    const before = emulator.requests.length;
    const rounds: Round[] = [];
    for (let rep = 0; rep < reps; rep++) rounds.push(await round(emulator, fullDir, names, settleMs));
    const requests = emulator.requests.length - before;
    return describe(rounds, names, databaseBytes, requests, settleMs);
  } finally {
    await emulator.close();
  }
}

function describe(
  rounds: Round[],
  names: number,
  databaseBytes: number,
  requests: number,
  settleMs: number,
): ResultRow[] {
  const mib = (kib: number) => kib / 1024;
  const of = (pick: (round: Round) => number) => summarize(rounds.map(pick));
  const count = names.toLocaleString('en-US');
  const settled = `${settleMs / 1000} s after start, median of ${SAMPLES} samples`;
  return [
    row(
      BENCH_RSS,
      'empty database: RSS, settled',
      of((r) => mib(r.empty.settled.rssKiB)),
      'MiB',
      settled,
    ),
    row(
      BENCH_RSS,
      `${count} confirmed: RSS, settled`,
      of((r) => mib(r.full.settled.rssKiB)),
      'MiB',
      `database ${(databaseBytes / 1024 / 1024).toFixed(1)} MiB`,
    ),
    row(
      BENCH_RSS,
      `${count} confirmed / empty: RSS, settled (ratio)`,
      of((r) => r.full.settled.rssKiB / r.empty.settled.rssKiB),
      '×',
      'per round',
    ),
    row(
      BENCH_RSS,
      'empty database: RssAnon, settled',
      of((r) => mib(r.empty.settled.anonKiB)),
      'MiB',
      'heaps and stacks',
    ),
    row(
      BENCH_RSS,
      `${count} confirmed: RssAnon, settled`,
      of((r) => mib(r.full.settled.anonKiB)),
      'MiB',
      'heaps and stacks',
    ),
    row(
      BENCH_RSS,
      'empty database: RSS after serving its list',
      of((r) => mib(r.empty.served.rssKiB)),
      'MiB',
      'one GET /api/variables',
    ),
    row(
      BENCH_RSS,
      `${count} confirmed: RSS after serving its list`,
      of((r) => mib(r.full.served.rssKiB)),
      'MiB',
      `list of ${(rounds[0]!.listBytes.full / 1024 / 1024).toFixed(1)} MiB of JSON`,
    ),
    row(
      BENCH_RSS,
      `${count} confirmed / empty: RSS after the list (ratio)`,
      of((r) => r.full.served.rssKiB / r.empty.served.rssKiB),
      '×',
      'per round',
    ),
    row(BENCH_RSS, 'requests sent by both daemons', single(requests), 'requests', 'nothing pending: none expected'),
  ];
}
