// `npm run bench` is not part of `npm test` (its figures need minutes and a quiet machine), so a
// change elsewhere can break a benchmark unnoticed: the status page token moving out of the query
// once made benchmark 6 fail with a 401. This runs every benchmark end to end with the smallest
// sizes, and checks the answers each one verifies along the way and the counts it reports. No
// timing is asserted: only that each benchmark ran, measured what it says, and agrees with itself.
import { existsSync, readFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { ResultRow } from '../../bench/lib/report.js';
import { BEFORE_COMMIT } from '../../bench/render.js';
import { childEnv } from '../../bench/lib/setup.js';
import { tempDir } from '../helpers/agent.js';

const ROOT = new URL('../../', import.meta.url);

/** The smallest sizes each benchmark accepts while still doing every step it does in full. */
const TINY: Record<string, string> = {
  BENCH_SET_WARMUP: '20',
  BENCH_SET_ROUNDS: '2',
  BENCH_SET_CALLS: '10',
  BENCH_SET_NOSYNC_ROUNDS: '2',
  BENCH_OUTAGE_SETS: '300',
  BENCH_OUTAGE_NAMES: '30',
  BENCH_DRAIN_REPS: '1',
  BENCH_NAIVE_SETS: '20',
  BENCH_START_REPS: '2',
  BENCH_START_BREAKDOWN_REPS: '1',
  BENCH_IDLE_SECONDS: '2',
  BENCH_IDLE_WINDOWS: '2',
  BENCH_IDLE_SETTLE_MS: '1000',
  BENCH_LATENCY_NAMES: '250',
  BENCH_LATENCY_REPS: '1',
  BENCH_LATENCY_NAIVE: '3',
  BENCH_LATENCIES_MS: '20',
  BENCH_RSS_NAMES: '300',
  BENCH_RSS_REPS: '1',
  BENCH_RSS_SETTLE_MS: '500',
  BENCH_RENDER_NAMES: '60',
  BENCH_RENDER_REPS: '1',
  BENCH_RENDER_CHANGES: '1',
};

function runBench(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * Benchmark 7's before page is built from the git history; a checkout without it (CI's copy for the
 * Node 24 pass has no .git; a shallow clone lacks the commit) lends this tree's built page instead,
 * so that the comparison still runs end to end.
 */
function beforePageEnv(): NodeJS.ProcessEnv {
  const known = spawnSync('git', ['cat-file', '-e', `${BEFORE_COMMIT}^{commit}`], { cwd: ROOT, stdio: 'ignore' });
  if (known.status === 0) return {};
  const built = new URL('out/renderer/', ROOT);
  expect(existsSync(built), 'out/renderer (npm run build:renderer) for the before page').toBe(true);
  console.log(
    `bench smoke: no git history for ${BEFORE_COMMIT.slice(0, 7)}; out/renderer stands in for the before page`,
  );
  return { BENCH_RENDER_BEFORE_DIR: built.pathname };
}

it('runs every benchmark end to end at the smallest sizes, and each reports what it measured', async () => {
  const jsonPath = join(tempDir('varsync-bench-smoke-'), 'rows.json');
  const { code, output } = await runBench(childEnv({ ...TINY, ...beforePageEnv(), BENCH_JSON: jsonPath }));
  expect(code, output).toBe(0);
  const rows = JSON.parse(readFileSync(jsonPath, 'utf8')) as ResultRow[];
  const figure = (bench: string, metric: string) => {
    const found = rows.find((entry) => entry.bench.startsWith(bench) && entry.metric === metric);
    if (!found)
      throw new Error(
        `no "${metric}" in benchmark ${bench}; it reported: ${rows
          .filter((entry) => entry.bench.startsWith(bench))
          .map((entry) => entry.metric)
          .join(' | ')}`,
      );
    return found.summary;
  };

  // Every benchmark of `npm run bench` reported, and every figure is a number.
  expect(new Set(rows.map((entry) => entry.bench.split(' ')[0]))).toEqual(new Set(['1', '2', '3', '4', '5', '6', '7']));
  for (const entry of rows) expect(Number.isFinite(entry.summary.median), `${entry.bench}: ${entry.metric}`).toBe(true);

  // The counts the benchmarks report follow from the sizes asked for.
  // One batch, plus the refused track that tells the agent its device needs activating (benchmark 2's note).
  expect(figure('2', 'agent: HTTP requests to drain').median).toBe(Math.ceil(30 / 100) + 1);
  expect(figure('2', 'naive: HTTP requests (one per set)').median).toBe(300);
  expect(figure('4', 'requests while idle').median).toBe(0);
  expect(figure('5', '20 ms: agent HTTP requests').median).toBe(Math.ceil(250 / 100));
  expect(figure('5', '20 ms: requests naive / agent (ratio)').median).toBeCloseTo(250 / 3);
  expect(figure('6', 'requests sent by both daemons').median).toBe(0);
  // The start-up and memory goals of issue 14 are reported, each as a ratio to its floor.
  for (const [bench, metric] of [
    ['3', 'set / node + SQLite upsert (ratio)'],
    ['3', 'status --json / node + SQLite upsert (ratio)'],
    ['3', 'run first request / node (ratio)'],
    ['3', 'phase: import out/cli/main.mjs'],
    ['4', 'daemon RSS / node + better-sqlite3 (ratio)'],
  ] as const)
    expect(figure(bench, metric).count, metric).toBe(bench === '3' && !metric.startsWith('phase') ? 2 : 1);
  // Every filter keystroke of the one page measured (bench/render.ts FILTER_KEYSTROKES), on this tree's
  // page and on the one built from the commit before (BENCH_RENDER_BEFORE), compared per round.
  expect(figure('7', 'app: filter keystroke over 60 names → next frame').count).toBe(9);
  expect(figure('7', 'before: filter keystroke over 60 names → next frame').count).toBe(9);
  expect(figure('7', 'main thread per change, app / before (ratio)').count).toBe(1);
}, 600_000);
