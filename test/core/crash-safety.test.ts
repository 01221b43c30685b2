// Crash safety: an agent process that sets values and syncs them while the emulator injects
// faults is killed with SIGKILL at random points, hundreds of times, and restarted on the same
// data folder. At the end (faults cleared) a fresh process drains, and the server must hold the
// last acknowledged value of every name: nothing lost, nothing stale.
//
// A set counts as acknowledged once the child printed "ack" for it, which it does only after
// agent.set() returned (the transaction is committed). After every kill the data folder is opened
// in this process and must hold every acknowledged value; the one set a kill may cut between its
// commit and its "ack" line may or may not be there (both are correct), and if it is, it becomes
// the value the server must end with.
//
// Starting node with tsx costs about a second of CPU per process on a small machine, so the child
// (test/helpers/crash-child.ts, which imports the product code as is) is bundled once with esbuild
// (what tsx itself uses to compile) and started as plain JavaScript; two independent lanes, each
// with its own emulator, data folder and fixed hardware ID, run side by side.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { Agent } from '../../main/core/agent.js';
import { envLayer, resolveConfig } from '../../main/core/config/resolve.js';
import type { VariableValue } from '../../shared/wire.js';
import type { VariableView } from '../../shared/variables.js';
import { tempDir } from '../helpers/agent.js';

const LANES = 2;
const ROUNDS_PER_LANE = 100;
const NAMES = ['color', 'seats', 'beta', 'mode', 'level', 'tag'];
/** A share of rounds is killed counting from the spawn (while loading, opening the database, starting the engine). */
const EARLY_KILL_SHARE = 0.15;
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);

const childSource = fileURLToPath(new URL('../helpers/crash-child.ts', import.meta.url));
const requireHere = createRequire(import.meta.url);
const cleanup: string[] = [];
const liveChildren = new Set<ChildProcess>();
const emulators: Emulator[] = [];
let bundle: string;

beforeAll(async () => {
  const dir = tempDir('varsync-crash-bundle-');
  cleanup.push(dir);
  bundle = join(dir, 'crash-child.cjs');
  const nativeModule = requireHere.resolve('better-sqlite3');
  await build({
    entryPoints: [childSource],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    logLevel: 'error',
    // The native addon stays outside the bundle, loaded from this project's node_modules.
    plugins: [
      {
        name: 'native',
        setup: (b) => b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: nativeModule, external: true })),
      },
    ],
  });
});

afterAll(async () => {
  for (const child of liveChildren) child.kill('SIGKILL');
  await Promise.all(emulators.map((emulator) => emulator.close()));
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** A small seeded generator (mulberry32), so that a failing run can be replayed with CRASH_SEED. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  stderr: string;
  killed: 'early' | 'after-ready' | 'after-sets' | 'not-killed';
  /** Whether the emulator was still working on one of the child's requests when the kill was sent. */
  requestInFlight: boolean;
}

/** Start the child; SIGKILL it `delayMs` after its spawn or its "ready" line, and collect the complete lines it printed. */
function runChild(
  env: NodeJS.ProcessEnv,
  kill: { from: 'spawn' | 'ready'; delayMs: number; inFlight: () => boolean } | undefined,
  timeoutMs = 20_000,
): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    liveChildren.add(child);
    let stdout = '';
    let stderr = '';
    let ready = false;
    let setsDone = false;
    let killed: ChildRun['killed'] = 'not-killed';
    let requestInFlight = false;
    const killNow = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killed = !ready ? 'early' : setsDone ? 'after-sets' : 'after-ready';
      requestInFlight = kill?.inFlight() ?? false;
      child.kill('SIGKILL');
    };
    const timers: NodeJS.Timeout[] = [setTimeout(() => child.kill('SIGKILL'), timeoutMs)];
    if (kill?.from === 'spawn') timers.push(setTimeout(killNow, kill.delayMs));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!ready && stdout.startsWith('ready\n')) {
        ready = true;
        if (kill?.from === 'ready') timers.push(setTimeout(killNow, kill.delayMs));
      }
      if (stdout.includes('planned sets done\n')) setsDone = true;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code, signal) => {
      liveChildren.delete(child);
      for (const timer of timers) clearTimeout(timer);
      // Only complete lines count: a line cut by the kill was never received.
      const lines = stdout.split('\n').slice(0, -1);
      resolve({ code, signal, lines, stderr, killed, requestInFlight });
    });
  });
}

interface LaneReport {
  lane: number;
  rounds: number;
  setsPlanned: number;
  setsAcked: number;
  /** Sets a kill cut between agent.set() and the "ack" line reaching the parent: found committed, or not. */
  cut: { committed: number; notCommitted: number };
  kills: { early: number; afterReady: number; afterSets: number; requestInFlight: number };
  requests: number;
  faults: Record<string, number>;
  drainPasses: number;
  problems: string[];
  server: Record<string, VariableValue>;
  expected: Record<string, VariableValue>;
}

function applyRandomFaults(emulator: Emulator, random: () => number): void {
  emulator.faults.clear();
  const pick = random();
  if (pick < 0.2) emulator.faults.failNext(503, 1 + Math.floor(random() * 3));
  else if (pick < 0.35) emulator.faults.dropNext(1 + Math.floor(random() * 2), 'before');
  else if (pick < 0.5) emulator.faults.dropNext(1 + Math.floor(random() * 2), 'after');
  else if (pick < 0.6) emulator.faults.rateLimitNext(random() < 0.8 ? 0 : 1);
  else if (pick < 0.7)
    emulator.faults.add({ type: 'status', status: 503, count: 1 }, { type: 'drop', phase: 'after', count: 1 });
  // Latency stays well below a restart (a few hundred ms): a request of a killed process must have
  // landed before its successor sends, or no client could keep the server's order.
  if (random() < 0.5) {
    const min = Math.floor(random() * 15);
    emulator.faults.setLatency(min, min + Math.floor(random() * 30));
  }
}

async function runLane(lane: number): Promise<LaneReport> {
  const random = generator(SEED + lane * 7919);
  const emulator = await startEmulator(); // admin API off (the default)
  emulators.push(emulator);
  const dataDir = tempDir('varsync-crash-');
  cleanup.push(dataDir);
  const hardwareId = `crash-safety-lane-${lane}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    VARSYNC_API_URL: emulator.url,
    VARSYNC_PRODUCT: DEMO.product,
    VARSYNC_LICENSE_KEY: DEMO.licenseKey,
    VARSYNC_API_KEY: DEMO.apiKey,
    VARSYNC_SHARED_KEY: DEMO.sharedKey,
    VARSYNC_DATA_DIR: dataDir,
    VARSYNC_HARDWARE_ID: hardwareId,
    VARSYNC_RETRY_BASE_MS: '10',
    VARSYNC_RETRY_MAX_MS: '100',
    VARSYNC_DEBOUNCE_MS: '0',
    VARSYNC_RECHECK_SECONDS: '1',
    VARSYNC_REQUEST_TIMEOUT_MS: '3000',
    VARSYNC_LOG_LEVEL: 'error',
  };
  const config = resolveConfig([envLayer(env)], env);
  /**
   * Per name, the value the agent must hold: the last acknowledged one, or a later set whose ack a
   * kill cut off but which the inspection after that kill found committed.
   */
  const durable = new Map<string, VariableValue>();
  const report: LaneReport = {
    lane,
    rounds: 0,
    setsPlanned: 0,
    setsAcked: 0,
    cut: { committed: 0, notCommitted: 0 },
    kills: { early: 0, afterReady: 0, afterSets: 0, requestInFlight: 0 },
    requests: 0,
    faults: {},
    drainPasses: 0,
    problems: [],
    server: {},
    expected: {},
  };
  const problem = (text: string) => {
    if (report.problems.length < 20) report.problems.push(text);
  };
  let counter = 0;

  for (let round = 0; round < ROUNDS_PER_LANE; round++) {
    report.rounds++;
    applyRandomFaults(emulator, random);
    // Unique values, so that every value names the one set it came from.
    const plan: Array<[string, VariableValue, number]> = Array.from({ length: 1 + Math.floor(random() * 8) }, () => {
      const name = NAMES[Math.floor(random() * NAMES.length)]!;
      counter++;
      const value = random() < 0.5 ? `lane${lane}-round${round}-${counter}` : lane * 1_000_000 + counter;
      return [name, value, random() < 0.3 ? 0 : Math.floor(random() * 20)];
    });
    report.setsPlanned += plan.length;
    const inFlight = () => emulator.requests.some((entry) => entry.status === 0);
    const kill =
      random() < EARLY_KILL_SHARE
        ? { from: 'spawn' as const, delayMs: random() * 400, inFlight }
        : { from: 'ready' as const, delayMs: random() * 150, inFlight };
    const run = await runChild({ ...env, CRASH_PLAN: JSON.stringify(plan) }, kill);
    if (run.requestInFlight) report.kills.requestInFlight++;

    if (run.signal !== 'SIGKILL' || run.killed === 'not-killed') {
      problem(
        `round ${round}: the child ended by itself (code ${run.code}, signal ${run.signal}): ${run.stderr.trim().slice(0, 500)}`,
      );
    } else if (run.killed === 'early') report.kills.early++;
    else if (run.killed === 'after-ready') report.kills.afterReady++;
    else report.kills.afterSets++;
    if (run.stderr.trim() !== '')
      problem(`round ${round}: the child logged errors: ${run.stderr.trim().slice(0, 500)}`);

    const acks = run.lines
      .filter((text) => text.startsWith('ack '))
      .map((text) => JSON.parse(text.slice(4)) as [string, VariableValue]);
    acks.forEach(([name, value], index) => {
      const [plannedName, plannedValue] = plan[index]!;
      if (name !== plannedName || value !== plannedValue)
        problem(`round ${round}: ack ${index} is ${name}=${value}, planned ${plannedName}=${plannedValue}`);
      durable.set(name, value);
    });
    report.setsAcked += acks.length;
    // The child sets in order and prints each ack before it starts the next set, so only the first
    // set without an ack can have been committed; the later ones never began.
    const cut = plan[acks.length];

    // Right after the kill, what does the data folder hold? Every acknowledged value, and the cut
    // set only if it was committed. Checking after every kill catches a lost value that a later
    // set of the same name would otherwise hide.
    const inspector = Agent.open({ config });
    const local = new Map(inspector.variables().map((view) => [view.name, view.value]));
    const recovered = inspector.status().database.recovered;
    await inspector.close();
    if (recovered)
      problem(`after round ${round}: the database was unreadable and replaced: ${JSON.stringify(recovered)}`);
    for (const name of NAMES) {
      const held = local.get(name);
      if (cut && cut[0] === name && held === cut[1]) {
        report.cut.committed++;
        durable.set(name, held);
      } else if (held !== durable.get(name)) {
        problem(
          `after round ${round} (kill ${run.killed}): "${name}" is ${JSON.stringify(held)} in the data folder; the last acknowledged value is ${JSON.stringify(durable.get(name))}`,
        );
      }
    }
    if (cut && local.get(cut[0]) !== cut[1]) report.cut.notCommitted++;
  }

  emulator.faults.clear();
  const drain = await runChild({ ...env, CRASH_DRAIN: '1' }, undefined, 30_000);
  const resultLine = drain.lines.find((text) => text.startsWith('result '));
  report.requests = emulator.requests.length;
  report.faults = { ...emulator.faults.injected };
  report.server = emulator.state.variablesOf(DEMO.product, hardwareId);
  report.expected = Object.fromEntries(durable);
  if (drain.code !== 0 || !resultLine) {
    problem(
      `the draining process failed (code ${drain.code}, signal ${drain.signal}): ${drain.stderr.trim().slice(0, 1000)}`,
    );
    return report;
  }
  const result = JSON.parse(resultLine.slice('result '.length)) as {
    passes: number;
    status: { pending: number; failed: number };
    variables: VariableView[];
    deadLetters: unknown[];
  };
  report.drainPasses = result.passes;
  if (result.status.pending !== 0 || result.status.failed !== 0 || result.deadLetters.length > 0) {
    problem(`after draining: ${result.status.pending} pending, ${result.status.failed} failed`);
  }
  for (const view of result.variables) {
    if (view.state !== 'synced') problem(`"${view.name}" is ${view.state} locally after draining`);
    if (view.value !== durable.get(view.name))
      problem(
        `"${view.name}" is ${JSON.stringify(view.value)} locally after draining; expected ${JSON.stringify(durable.get(view.name))}`,
      );
  }
  return report;
}

describe('Crash safety', () => {
  it('SIGKILLed at random points while setting and syncing under faults, then restarted: the server ends on the last acknowledged value of every name', async () => {
    const started = Date.now();
    const reports = await Promise.all(Array.from({ length: LANES }, (_, lane) => runLane(lane)));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const total = (pick: (report: LaneReport) => number) => reports.reduce((sum, report) => sum + pick(report), 0);
    console.log(
      `crash safety (seed ${SEED}): ${total((r) => r.rounds)} rounds in ${LANES} lanes, ${seconds} s; ` +
        `${total((r) => r.setsAcked)} sets acknowledged of ${total((r) => r.setsPlanned)} planned; ` +
        `${total((r) => r.cut.committed + r.cut.notCommitted)} sets cut by a kill before their ack (${total((r) => r.cut.committed)} found committed); ` +
        `${total((r) => r.kills.early + r.kills.afterReady + r.kills.afterSets)} SIGKILLs ` +
        `(${total((r) => r.kills.early)} while starting, ${total((r) => r.kills.afterReady)} while setting, ${total((r) => r.kills.afterSets)} while syncing; ` +
        `${total((r) => r.kills.requestInFlight)} with a request in flight at the server); ` +
        `${total((r) => r.requests)} requests to the emulator; faults hit: ${JSON.stringify(
          reports.reduce<Record<string, number>>((sum, r) => {
            for (const [kind, count] of Object.entries(r.faults)) sum[kind] = (sum[kind] ?? 0) + count;
            return sum;
          }, {}),
        )}; drain passes: ${reports.map((r) => r.drainPasses).join(', ')}`,
    );
    for (const report of reports) {
      expect(report.problems, `lane ${report.lane} (CRASH_SEED=${SEED})`).toEqual([]);
      expect(report.server, `lane ${report.lane}: server vs last acknowledged values (CRASH_SEED=${SEED})`).toEqual(
        report.expected,
      );
      expect(report.setsAcked).toBeGreaterThan(0);
    }
    for (const emulator of emulators) expect(emulator.selfCheckFailures).toEqual([]);
  }, 600_000);
});
