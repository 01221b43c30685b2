// Benchmark 7: the status page with 10,000 variables in Chromium (the table renders the rows in view). The built renderer is served by the
// real headless status server (main/web/status-server.ts) for an agent holding 1,000 confirmed
// variables. Times come from the page's own Performance API (navigation and resource timing,
// MutationObserver, requestAnimationFrame, long tasks; bench/lib/page-probe.js): the first render,
// and one `set` until its row shows the new value, split into the notification and fetch path and
// the page's own work once the data has arrived; typing in the name filter, per keystroke; the JS
// heap. A naive renderer (bench/lib/naive-table.js: the
// same data, markup and stylesheet, all rows rebuilt with one innerHTML) is measured in the same run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Agent } from '../main/core/agent.js';
import { silentLogger } from '../main/core/log.js';
import { startStatusServer, type StatusServer } from '../main/web/status-server.js';
import { startEmulator } from '../emulator/index.js';
import {
  call,
  launchChromium,
  mainThreadMeter,
  pageScript,
  timeBetween,
  type MainThreadMeter,
  type MainThreadTime,
} from './lib/browser.js';
import { envInt } from './lib/env.js';
import { confirmNames, manyName } from './lib/fill.js';
import { nodeOutput } from './lib/proc.js';
import { row, type ResultRow } from './lib/report.js';
import { benchConfig, benchDir, childEnv, sleep } from './lib/setup.js';
import { median, summarize } from './lib/stats.js';

const BENCH_RENDER = '7 render';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HARDWARE_ID = 'bench-render-device';
/** The page refreshes at most once a second (renderer/refresh.ts): wait this long between changes. */
const APP_REFRESH_GAP_MS = 1_100;
/** The naive page refreshes on every event; a short pause keeps one change from overlapping the next. */
const NAIVE_PAUSE_MS = 300;

interface LongTask {
  start: number;
  duration: number;
}

/** page-probe.js loadResult(): ms since navigation start. */
interface LoadTimes {
  firstRowAt: number;
  allRowsAt: number;
  frameAt: number;
  dataAt: number;
  longTasks: LongTask[];
}

/** page-probe.js changeResult(): ms since navigation start, and the page's time origin (wall clock). */
interface ChangeTimes {
  timeOrigin: number;
  requestAt: number;
  dataAt: number;
  domAt: number;
  frameAt: number;
  fetches: number;
  longTasks: LongTask[];
}

/** naive-table.js start(). */
interface NaiveLoadTimes {
  rows: number;
  dataAt: number;
  allRowsAt: number;
  frameAt: number;
  longTasks: LongTask[];
}

/** One change, in ms: the whole way, then its parts. */
interface Change {
  setToRow: number;
  setToRequest: number;
  requestToData: number;
  dataToDom: number;
  domToFrame: number;
  dataToFrame: number;
  longestTask: number;
  /** The page's main thread over the whole change (CPU time). */
  cpu: MainThreadTime;
}

/** One keystroke in the name filter: wall time to the next frame, and main-thread CPU time. */
interface Keystroke {
  ms: number;
  cpuMs: number;
}

/** What is typed into the filter, one keystroke each (the last clears it: every row matches again). */
const FILTER_KEYSTROKES = ['v', 'va', 'var', 'var-', 'var-1', 'var-12', 'var-123', 'var-12', ''];

interface Round {
  app: { load: LoadTimes; loadCpu: MainThreadTime; changes: Change[]; keystrokes: Keystroke[]; heapBytes: number };
  naive: { load: NaiveLoadTimes; loadCpu: MainThreadTime; changes: Change[] };
}

const longest = (tasks: LongTask[]) => Math.max(0, ...tasks.map((task) => task.duration));
const wallNow = () => performance.timeOrigin + performance.now();

/** The renderer as `npm run build:renderer` builds it, from the current sources, into this run's folder (out/ is left alone). */
async function buildRenderer(): Promise<string> {
  const given = process.env.BENCH_RENDERER_DIR;
  if (given) return given;
  const outDir = join(benchDir('renderer'), 'renderer');
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await nodeOutput(
    [vite, 'build', '--config', 'renderer/vite.config.ts', '--outDir', outDir, '--logLevel', 'warn'],
    childEnv({}),
    ROOT,
  );
  return outDir;
}

/** The built page's stylesheet, for the naive page (which must look, and lay out, the same). */
function stylesheetOf(rendererDir: string): string {
  const index = join(rendererDir, 'index.html');
  if (!existsSync(index)) throw new Error(`no renderer build at ${rendererDir}`);
  const href = /<link rel="stylesheet"[^>]*href="\.?([^"]+)"/.exec(readFileSync(index, 'utf8'))?.[1];
  if (!href) throw new Error(`${index} links no stylesheet`);
  return href.startsWith('/') ? href : `/${href}`;
}

/** An agent holding `count` confirmed variables (the emulator confirms them, then goes), engine not started. */
async function agentWithVariables(count: number): Promise<Agent> {
  const emulator = await startEmulator();
  const agent = Agent.open({
    config: benchConfig(benchDir('render'), { apiUrl: emulator.url, hardwareId: HARDWARE_ID }),
  });
  try {
    await confirmNames(agent, emulator, HARDWARE_ID, count, (index) => `value-${index}`);
    return agent;
  } catch (error) {
    await agent.close();
    throw error;
  } finally {
    await emulator.close();
  }
}

/** Until the page has fetched the list `fetches` times and made no API call for `quietMs`. */
async function waitQuiet(page: Page, fetches: number, quietMs: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const activity = (await page.evaluate('window.varsyncBench.apiActivity()')) as {
      variableFetches: number;
      quietMs: number;
    };
    if (activity.variableFetches >= fetches && activity.quietMs >= quietMs) return;
    if (Date.now() > deadline) throw new Error(`the page did not settle (${JSON.stringify(activity)})`);
    await sleep(Math.max(20, Math.min(200, quietMs - activity.quietMs)));
  }
}

/** One `set` on the agent, timed until the page shows the value in its row. */
async function measureChange(
  page: Page,
  meter: MainThreadMeter,
  agent: Agent,
  name: string,
  value: string,
): Promise<Change> {
  const before = await meter.read();
  await page.evaluate(call('window.varsyncBench.armChange', name, value));
  const setAt = wallNow();
  agent.set({ [name]: value });
  const times = (await page.evaluate('window.varsyncBench.changeResult()')) as ChangeTimes;
  const cpu = timeBetween(before, await meter.read());
  if (times.fetches === 0) throw new Error('the row changed without a fetch: the probe missed the refresh');
  const wall = (at: number) => times.timeOrigin + at;
  return {
    setToRow: wall(times.domAt) - setAt,
    setToRequest: wall(times.requestAt) - setAt,
    requestToData: times.dataAt - times.requestAt,
    dataToDom: times.domAt - times.dataAt,
    domToFrame: times.frameAt - times.domAt,
    dataToFrame: times.frameAt - times.dataAt,
    longestTask: longest(times.longTasks),
    cpu,
  };
}

function failOnPageErrors(page: Page): () => void {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return () => {
    if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
  };
}

/** Rows changed: the first of the sorted list, which are in view on both pages (the app renders only those). */
const CHANGED_ROWS = 8;

class Changes {
  private next = 0;
  private readonly topNames: string[];
  constructor(
    private readonly agent: Agent,
    names: number,
  ) {
    this.topNames = Array.from({ length: names }, (_unused, index) => manyName(index))
      .sort()
      .slice(0, CHANGED_ROWS);
  }

  /** A different row each time, among the first in view, with a value it never had. */
  async measure(page: Page, meter: MainThreadMeter, count: number, pauseMs: number, label: string): Promise<Change[]> {
    const changes: Change[] = [];
    for (let index = 0; index < count; index++) {
      const sequence = this.next++;
      const name = this.topNames[sequence % this.topNames.length]!;
      changes.push(await measureChange(page, meter, this.agent, name, `${label}-${sequence}`));
      await waitQuiet(page, 1, pauseMs);
    }
    return changes;
  }
}

async function appRound(context: BrowserContext, url: string, changes: Changes, count: number): Promise<Round['app']> {
  const page = await context.newPage();
  const check = failOnPageErrors(page);
  try {
    const meter = await mainThreadMeter(context, page);
    const before = await meter.read();
    await page.goto(url);
    const load = (await page.evaluate('window.varsyncBench.loadResult()')) as LoadTimes;
    const loadCpu = timeBetween(before, await meter.read());
    // The load's refresh, then the one the event stream's opening asks for a second later.
    await waitQuiet(page, 2, APP_REFRESH_GAP_MS);
    const heapBytes = await meter.heapUsedBytes();
    const measured = await changes.measure(page, meter, count, APP_REFRESH_GAP_MS, 'app');
    const keystrokes: Keystroke[] = [];
    for (const text of FILTER_KEYSTROKES) {
      const cpuBefore = await meter.read();
      const { ms } = (await page.evaluate(call('window.varsyncBench.filter', text))) as { ms: number };
      keystrokes.push({ ms, cpuMs: timeBetween(cpuBefore, await meter.read()).taskMs });
    }
    check();
    return { load, loadCpu, changes: measured, keystrokes, heapBytes };
  } finally {
    await page.close();
  }
}

async function naiveRound(
  context: BrowserContext,
  server: StatusServer,
  stylesheet: string,
  changes: Changes,
  count: number,
  names: number,
): Promise<Round['naive']> {
  const { origin, token } = server;
  const page = await context.newPage();
  const check = failOnPageErrors(page);
  try {
    // A document of the status server's origin, under its Content-Security-Policy, which the naive page
    // replaces (a refusal without the token: its headers are all that matter).
    await page.goto(`${origin}/api/dead-letters`);
    await page.evaluate(pageScript('naive-table.js'));
    const meter = await mainThreadMeter(context, page);
    const before = await meter.read();
    const load = (await page.evaluate(call('window.varsyncNaive.start', stylesheet, token))) as NaiveLoadTimes;
    const loadCpu = timeBetween(before, await meter.read());
    if (load.rows !== names) throw new Error(`the naive page shows ${load.rows} rows, expected ${names}`);
    const measured = await changes.measure(page, meter, count, NAIVE_PAUSE_MS, 'naive');
    check();
    return { load, loadCpu, changes: measured };
  } finally {
    await page.close();
  }
}

export async function benchRender(): Promise<ResultRow[]> {
  const names = envInt('BENCH_RENDER_NAMES', 10_000);
  const reps = envInt('BENCH_RENDER_REPS', 4);
  const perPage = envInt('BENCH_RENDER_CHANGES', 3);
  const rendererDir = await buildRenderer();
  const stylesheet = stylesheetOf(rendererDir);
  const agent = await agentWithVariables(names);
  let server: StatusServer | undefined;
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    server = await startStatusServer({ agent, rendererDir, log: silentLogger });
    const context = await browser.newContext();
    await context.addInitScript({
      content: `window.varsyncBenchExpectedRows = ${names};\n${pageScript('page-probe.js')}`,
    });
    const changes = new Changes(agent, names);
    // Warm-up, not counted: caches, JIT and the server warm up. Every app page opens the printed URL:
    // a new tab has the token only from its fragment (it is kept per tab, in sessionStorage).
    await appRound(context, server.url, changes, 1);
    await naiveRound(context, server, stylesheet, changes, 1, names);
    const rounds: Round[] = [];
    for (let rep = 0; rep < reps; rep++) {
      // The order alternates, so that neither page always follows the other.
      if (rep % 2 === 0) {
        const app = await appRound(context, server.url, changes, perPage);
        rounds.push({ app, naive: await naiveRound(context, server, stylesheet, changes, perPage, names) });
      } else {
        const naive = await naiveRound(context, server, stylesheet, changes, perPage, names);
        rounds.push({ app: await appRound(context, server.url, changes, perPage), naive });
      }
    }
    return describe(rounds, names);
  } finally {
    await browser?.close();
    await server?.close();
    await agent.close();
  }
}

const of = <T>(list: T[], pick: (item: T) => number) => summarize(list.map(pick));
const taskCount = (pages: Array<{ load: { longTasks: LongTask[] } }>) =>
  median(pages.map((page) => page.load.longTasks.length));
const cpuNote = (list: MainThreadTime[]) =>
  `CPU time; of which style + layout ${median(list.map((cpu) => cpu.styleLayoutMs)).toFixed(0)} ms`;

function describe(rounds: Round[], names: number): ResultRow[] {
  return [...describeLoads(rounds, names), ...describeChanges(rounds, names), ...describeFilterAndHeap(rounds, names)];
}

function describeFilterAndHeap(rounds: Round[], names: number): ResultRow[] {
  const count = names.toLocaleString('en-US');
  const keystrokes = rounds.flatMap((round) => round.app.keystrokes);
  return [
    row(
      BENCH_RENDER,
      `app: filter keystroke over ${count} names → next frame`,
      of(keystrokes, (keystroke) => keystroke.ms),
      'ms',
      `${keystrokes.length} keystrokes; goal <= 50 ms`,
    ),
    row(
      BENCH_RENDER,
      'app: main thread busy per filter keystroke',
      of(keystrokes, (keystroke) => keystroke.cpuMs),
      'ms',
      'CPU time',
    ),
    row(
      BENCH_RENDER,
      `app: JS heap with ${count} variables`,
      of(
        rounds.map((round) => round.app),
        (page) => page.heapBytes / (1024 * 1024),
      ),
      'MB',
      'JSHeapUsedSize after the load settled',
    ),
  ];
}

function describeLoads(rounds: Round[], names: number): ResultRow[] {
  const count = names.toLocaleString('en-US');
  const app = rounds.map((round) => round.app);
  const naive = rounds.map((round) => round.naive);
  const dataToFrame = (load: { dataAt: number; frameAt: number }) => load.frameAt - load.dataAt;
  // A ratio of longest tasks only where both pages had one over 50 ms (the API reports no shorter ones).
  const taskRatios = rounds
    .map((round) => [longest(round.naive.load.longTasks), longest(round.app.load.longTasks)] as const)
    .filter(([naiveTask, appTask]) => naiveTask > 0 && appTask > 0)
    .map(([naiveTask, appTask]) => naiveTask / appTask);
  return [
    row(
      BENCH_RENDER,
      `app: navigation → table of ${count} rows in the DOM`,
      of(app, (page) => page.load.allRowsAt),
      'ms',
      `${rounds.length} page loads, warm HTTP cache`,
    ),
    row(
      BENCH_RENDER,
      `app: navigation → first frame with ${count} rows`,
      of(app, (page) => page.load.frameAt),
      'ms',
      'after style, layout and paint',
    ),
    row(
      BENCH_RENDER,
      'app: navigation → first row',
      of(app, (page) => page.load.firstRowAt),
      'ms',
      'the rows in view',
    ),
    row(
      BENCH_RENDER,
      'app: navigation → its data arrived',
      of(app, (page) => page.load.dataAt),
      'ms',
      'last of status, variables, dead letters, activity',
    ),
    row(
      BENCH_RENDER,
      `app: data → first frame with ${count} rows`,
      of(app, (page) => dataToFrame(page.load)),
      'ms',
      'wall time, the page’s own work',
    ),
    row(
      BENCH_RENDER,
      'app: main thread busy, whole load',
      of(app, (page) => page.loadCpu.taskMs),
      'ms',
      cpuNote(app.map((page) => page.loadCpu)),
    ),
    row(
      BENCH_RENDER,
      'app: longest task while loading',
      of(app, (page) => longest(page.load.longTasks)),
      'ms',
      `Long Tasks API; ${taskCount(app)} tasks over 50 ms (median)`,
    ),
    row(
      BENCH_RENDER,
      `naive: data → first frame with ${count} rows`,
      of(naive, (page) => dataToFrame(page.load)),
      'ms',
      'wall time, one innerHTML',
    ),
    row(
      BENCH_RENDER,
      'naive: main thread busy, fetch to frame',
      of(naive, (page) => page.loadCpu.taskMs),
      'ms',
      cpuNote(naive.map((page) => page.loadCpu)),
    ),
    row(
      BENCH_RENDER,
      'naive: longest task while loading',
      of(naive, (page) => longest(page.load.longTasks)),
      'ms',
      `${taskCount(naive)} tasks over 50 ms (median)`,
    ),
    row(
      BENCH_RENDER,
      `data → first frame with ${count} rows, app / naive (ratio)`,
      summarize(rounds.map((round) => dataToFrame(round.app.load) / dataToFrame(round.naive.load))),
      '×',
      'per round',
    ),
    ...(taskRatios.length > 0
      ? [row(BENCH_RENDER, 'longest task while loading, naive / app (ratio)', summarize(taskRatios), '×', 'per round')]
      : []),
  ];
}

function describeChanges(rounds: Round[], names: number): ResultRow[] {
  const count = names.toLocaleString('en-US');
  const app = rounds.flatMap((round) => round.app.changes);
  const naive = rounds.flatMap((round) => round.naive.changes);
  /** Per round, naive over app, of the round medians: both pages met the same machine state. */
  const perRound = (pick: (change: Change) => number) =>
    summarize(rounds.map((round) => median(round.naive.changes.map(pick)) / median(round.app.changes.map(pick))));
  return [
    row(
      BENCH_RENDER,
      'app: set → row shows the value',
      of(app, (change) => change.setToRow),
      'ms',
      `${app.length} changes over ${rounds.length} pages`,
    ),
    row(
      BENCH_RENDER,
      'app: set → refresh request',
      of(app, (change) => change.setToRequest),
      'ms',
      '100 ms server coalescing + event + fetch start',
    ),
    row(
      BENCH_RENDER,
      'app: refresh request → data',
      of(app, (change) => change.requestToData),
      'ms',
      'status, variables, dead letters',
    ),
    row(
      BENCH_RENDER,
      'app: data → row updated (DOM)',
      of(app, (change) => change.dataToDom),
      'ms',
      'parse, diff, keyed row update',
    ),
    row(
      BENCH_RENDER,
      'app: row updated → next frame',
      of(app, (change) => change.domToFrame),
      'ms',
      'style, layout, paint',
    ),
    row(
      BENCH_RENDER,
      'app: main thread busy per change',
      of(app, (change) => change.cpu.taskMs),
      'ms',
      cpuNote(app.map((change) => change.cpu)),
    ),
    row(
      BENCH_RENDER,
      'app: longest task per change',
      of(app, (change) => change.longestTask),
      'ms',
      '0 = none over 50 ms',
    ),
    row(
      BENCH_RENDER,
      'naive: set → row shows the value',
      of(naive, (change) => change.setToRow),
      'ms',
      'fetches only the variables',
    ),
    row(
      BENCH_RENDER,
      'naive: data → row updated (DOM)',
      of(naive, (change) => change.dataToDom),
      'ms',
      `parse, innerHTML of ${count} rows`,
    ),
    row(
      BENCH_RENDER,
      'naive: row updated → next frame',
      of(naive, (change) => change.domToFrame),
      'ms',
      'style, layout, paint',
    ),
    row(
      BENCH_RENDER,
      'naive: main thread busy per change',
      of(naive, (change) => change.cpu.taskMs),
      'ms',
      cpuNote(naive.map((change) => change.cpu)),
    ),
    row(
      BENCH_RENDER,
      'naive: longest task per change',
      of(naive, (change) => change.longestTask),
      'ms',
      '0 = none over 50 ms',
    ),
    row(
      BENCH_RENDER,
      'data → row updated, naive / app (ratio)',
      perRound((change) => change.dataToDom),
      '×',
      'per round, of round medians',
    ),
    row(
      BENCH_RENDER,
      'data → next frame, naive / app (ratio)',
      perRound((change) => change.dataToFrame),
      '×',
      'per round, of round medians',
    ),
    row(
      BENCH_RENDER,
      'main thread per change, naive / app (ratio)',
      perRound((change) => change.cpu.taskMs),
      '×',
      'CPU time, per round',
    ),
  ];
}
