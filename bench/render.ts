// Benchmark 7: the status page with 10,000 variables in Chromium. The built renderer is served by the
// real headless status server (main/web/status-server.ts) for an agent holding 10,000 confirmed
// variables, and compared in the same run with the renderer of an earlier commit ("before",
// BENCH_RENDER_BEFORE; the one that refetched the whole list on every change) served the same way.
// Times come from the page's own Performance API (navigation and resource timing,
// MutationObserver, requestAnimationFrame, long tasks; bench/lib/page-probe.js): the first render,
// and one `set` until its row shows the new value, with the main thread's CPU time over it; typing
// in the name filter, per keystroke; the JS heap. BENCH_RENDER_NAIVE=1 adds a naive renderer
// (bench/lib/naive-table.js: the same data, markup and stylesheet, all rows rebuilt with one
// innerHTML), which takes minutes at 10,000 rows.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Agent } from '../main/core/agent.js';
import { silentLogger } from '../main/core/log.js';
import { HISTORY_KEPT } from '../main/core/store/variable-store.js';
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
import { buildCurrentRenderer, buildRendererAt } from './lib/renderer-build.js';
import { row, type ResultRow } from './lib/report.js';
import { benchConfig, benchDir, sleep } from './lib/setup.js';
import { median, summarize } from './lib/stats.js';

const BENCH_RENDER = '7 render';

const HARDWARE_ID = 'bench-render-device';
/**
 * The renderer compared with: the last commit before the window applied changes instead of
 * refetching the list (issue 17), whose page took 892-946 ms from data to first frame and 72-75 ms
 * of main-thread CPU per change in the runs of docs/BENCHMARKS.md.
 */
export const BEFORE_COMMIT = 'b7d0a619644bf980e8b3e73d07e3dbe17cd96bb7';
/** The page refreshes at most once a second (renderer/refresh.ts): wait this long between changes. */
const APP_REFRESH_GAP_MS = 1_100;
/**
 * A loaded page has settled when it has asked for the list and then nothing for this long: the app
 * asks once, after its first screen; the page before asked at load and again up to a refresh gap
 * later, for its event stream's opening (and where there is no git history, this tree's page
 * stands in for it).
 */
const LOAD_QUIET_MS = 2 * APP_REFRESH_GAP_MS;
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
  /** The table held every row (no longer busy; the app shows its first screen before). */
  wholeAt: number;
  dataAt: number;
  longTasks: LongTask[];
}

/** page-probe.js changeResult(): ms since navigation start, and the page's time origin (wall clock). */
interface ChangeTimes {
  timeOrigin: number;
  /** The change came with the event stream's event (no request). */
  pushed: boolean;
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
  /** Came with the event (no request). */
  pushed: boolean;
  setToRow: number;
  dataToDom: number;
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

/** One load of the app's page (this tree's, or the one before): the load, changes, keystrokes, heap. */
interface AppPage {
  load: LoadTimes;
  loadCpu: MainThreadTime;
  changes: Change[];
  /** The measurement's own cost: main-thread CPU over the same calls as a change's, with no change. */
  idleSpans: number[];
  keystrokes: Keystroke[];
  heapBytes: number;
}

interface NaivePage {
  load: NaiveLoadTimes;
  loadCpu: MainThreadTime;
  changes: Change[];
}

/** The floor page's one load (naive-table.js varsyncFloor). */
interface FloorPage {
  load: NaiveLoadTimes;
  loadCpu: MainThreadTime;
}

interface Round {
  app: AppPage;
  /** The same window over an agent with FEW_NAMES variables (and the same history): one load. */
  few: LoadTimes;
  before: AppPage;
  floor: FloorPage;
  naive?: NaivePage;
}

/** Variables of the comparison agent: what a first screen shows, so the whole list is no more than that. */
const FEW_NAMES = 25;

/** Rows the floor page draws: about what the app shows in its first frame (a 720 px high window). */
const FLOOR_ROWS = 25;

const longest = (tasks: LongTask[]) => Math.max(0, ...tasks.map((task) => task.duration));
const wallNow = () => performance.timeOrigin + performance.now();

/** The built page's stylesheet, for the naive page (which must look, and lay out, the same). */
function stylesheetOf(rendererDir: string): string {
  const index = join(rendererDir, 'index.html');
  if (!existsSync(index)) throw new Error(`no renderer build at ${rendererDir}`);
  const href = /<link rel="stylesheet"[^>]*href="\.?([^"]+)"/.exec(readFileSync(index, 'utf8'))?.[1];
  if (!href) throw new Error(`${index} links no stylesheet`);
  return href.startsWith('/') ? href : `/${href}`;
}

/**
 * An agent holding `count` confirmed variables and a full Activity (HISTORY_KEPT sync attempts, as
 * a device that has run for a while has); the emulator confirms them, then goes. Engine not started.
 */
async function agentWithVariables(count: number): Promise<Agent> {
  const emulator = await startEmulator();
  const agent = Agent.open({
    config: benchConfig(benchDir(`render-${count}`), { apiUrl: emulator.url, hardwareId: HARDWARE_ID }),
  });
  try {
    await confirmNames(agent, emulator, HARDWARE_ID, count, (index) => `value-${index}`);
    // One value changed and sent per attempt: the list keeps its names, the history fills up.
    const name = manyName(count - 1);
    for (let attempt = 1; attempt < HISTORY_KEPT; attempt++) {
      agent.set({ [name]: `value-${count - 1}-${attempt}` });
      const { outcome } = await agent.syncNow();
      if (outcome !== 'drained') throw new Error(`a history attempt ended ${outcome}`);
    }
    return agent;
  } catch (error) {
    await agent.close();
    throw error;
  } finally {
    await emulator.close();
  }
}

/** Until the page has fetched the variables `fetches` times and made no API call for `quietMs`. */
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
  if (times.fetches === 0 && !times.pushed)
    throw new Error('the row changed with neither a fetch nor an event: the probe missed the refresh');
  return {
    pushed: times.pushed,
    setToRow: times.timeOrigin + times.domAt - setAt,
    dataToDom: times.domAt - times.dataAt,
    dataToFrame: times.frameAt - times.dataAt,
    longestTask: longest(times.longTasks),
    cpu,
  };
}

/**
 * What measuring a change costs the page by itself: the same calls into it (two meter readings, an
 * evaluation, then one that waits for a frame) with nothing changing, `count` times.
 */
async function measureIdleSpans(page: Page, meter: MainThreadMeter, count: number): Promise<number[]> {
  const spans: number[] = [];
  for (let index = 0; index < count; index++) {
    const before = await meter.read();
    await page.evaluate('0');
    await page.evaluate('window.varsyncBench.afterNextFrame()');
    spans.push(timeBetween(before, await meter.read()).taskMs);
    await sleep(100);
  }
  return spans;
}

function failOnPageErrors(page: Page): () => void {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return () => {
    if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
  };
}

/** Rows changed: the first of the sorted list, which are in view on every page (the apps render only those). */
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
      // The page fetched nothing when the change came with its event (clearResourceTimings at arming).
      await waitQuiet(page, 0, pauseMs);
    }
    return changes;
  }
}

/** A browser context whose pages run the probe and report their load through a binding. */
interface ProbedContext {
  context: BrowserContext;
  /** A new page, and its load's times once it has loaded (from the page itself: nothing is run in it meanwhile). */
  newPage(): Promise<{ page: Page; loaded: Promise<LoadTimes> }>;
}

async function probedContext(browser: Browser, expectedRows: number): Promise<ProbedContext> {
  const context = await browser.newContext();
  const waiting = new Map<Page, (times: LoadTimes) => void>();
  await context.exposeBinding('varsyncBenchLoaded', ({ page }, times: LoadTimes) => waiting.get(page)?.(times));
  await context.addInitScript({
    content: `window.varsyncBenchExpectedRows = ${expectedRows};\n${pageScript('page-probe.js')}`,
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const loaded = new Promise<LoadTimes>((resolve) => waiting.set(page, resolve));
      page.once('close', () => waiting.delete(page));
      return { page, loaded };
    },
  };
}

async function appRound(
  { context, newPage }: ProbedContext,
  url: string,
  changes: Changes,
  count: number,
  label: string,
): Promise<AppPage> {
  const { page, loaded } = await newPage();
  const check = failOnPageErrors(page);
  try {
    const meter = await mainThreadMeter(context, page);
    const before = await meter.read();
    await page.goto(url);
    const load = await loaded;
    const loadCpu = timeBetween(before, await meter.read());
    await waitQuiet(page, 1, LOAD_QUIET_MS);
    const heapBytes = await meter.heapUsedBytes();
    const idleSpans = await measureIdleSpans(page, meter, count);
    const measured = await changes.measure(page, meter, count, APP_REFRESH_GAP_MS, label);
    const keystrokes: Keystroke[] = [];
    for (const text of FILTER_KEYSTROKES) {
      const cpuBefore = await meter.read();
      const { ms } = (await page.evaluate(call('window.varsyncBench.filter', text))) as { ms: number };
      keystrokes.push({ ms, cpuMs: timeBetween(cpuBefore, await meter.read()).taskMs });
    }
    check();
    return { load, loadCpu, changes: measured, idleSpans, keystrokes, heapBytes };
  } finally {
    await page.close();
  }
}

/** One load of the app's page, nothing more: when it had its data, showed its rows, held them all. */
async function loadRound({ newPage }: ProbedContext, url: string): Promise<LoadTimes> {
  const { page, loaded } = await newPage();
  const check = failOnPageErrors(page);
  try {
    await page.goto(url);
    const load = await loaded;
    check();
    return load;
  } finally {
    await page.close();
  }
}

/**
 * One page of naive-table.js (the floor, the naive page): a document of the status server's origin,
 * under its Content-Security-Policy, which the script replaces (a refusal without the token: its
 * headers are all that matter), loaded by `start` (a call in the page); then `more` with it.
 */
async function scriptedPage<T>(
  context: BrowserContext,
  server: StatusServer,
  names: number,
  start: string,
  more: (page: Page, meter: MainThreadMeter) => Promise<T>,
): Promise<{ load: NaiveLoadTimes; loadCpu: MainThreadTime; more: T }> {
  const page = await context.newPage();
  const check = failOnPageErrors(page);
  try {
    await page.goto(`${server.origin}/api/dead-letters`);
    await page.evaluate(pageScript('naive-table.js'));
    const meter = await mainThreadMeter(context, page);
    const before = await meter.read();
    const load = (await page.evaluate(start)) as NaiveLoadTimes;
    const loadCpu = timeBetween(before, await meter.read());
    if (load.rows !== names) throw new Error(`${start} read ${load.rows} rows, expected ${names}`);
    const result = await more(page, meter);
    check();
    return { load, loadCpu, more: result };
  } finally {
    await page.close();
  }
}

/** The floor: the app's first answer parsed and its first rows drawn, nothing else. */
async function floorRound(
  context: BrowserContext,
  server: StatusServer,
  stylesheet: string,
  names: number,
): Promise<FloorPage> {
  const start = call('window.varsyncFloor.start', stylesheet, server.token, FLOOR_ROWS);
  const { load, loadCpu } = await scriptedPage(context, server, names, start, async () => undefined);
  return { load, loadCpu };
}

async function naiveRound(
  context: BrowserContext,
  server: StatusServer,
  stylesheet: string,
  changes: Changes,
  count: number,
  names: number,
): Promise<NaivePage> {
  const start = call('window.varsyncNaive.start', stylesheet, server.token);
  const { load, loadCpu, more } = await scriptedPage(context, server, names, start, (page, meter) =>
    changes.measure(page, meter, count, NAIVE_PAUSE_MS, 'naive'),
  );
  return { load, loadCpu, changes: more };
}

export async function benchRender(): Promise<ResultRow[]> {
  const names = envInt('BENCH_RENDER_NAMES', 10_000);
  const reps = envInt('BENCH_RENDER_REPS', 4);
  const perPage = envInt('BENCH_RENDER_CHANGES', 3);
  const withNaive = process.env.BENCH_RENDER_NAIVE === '1';
  const rendererDir =
    process.env.BENCH_RENDERER_DIR ?? (await buildCurrentRenderer(join(benchDir('renderer'), 'renderer')));
  // Where the git history is missing (a copy without .git, a shallow clone), an existing build may
  // stand in for the before page (BENCH_RENDER_BEFORE_DIR): the comparison then runs, against it.
  const beforeDir =
    process.env.BENCH_RENDER_BEFORE_DIR ??
    (await buildRendererAt(
      process.env.BENCH_RENDER_BEFORE ?? BEFORE_COMMIT,
      join(benchDir('renderer-before'), 'renderer'),
    ));
  const stylesheet = stylesheetOf(rendererDir);
  const agent = await agentWithVariables(names);
  const fewAgent = await agentWithVariables(FEW_NAMES);
  const servers: StatusServer[] = [];
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const server = await startStatusServer({ agent, rendererDir, log: silentLogger });
    servers.push(server);
    const beforeServer = await startStatusServer({ agent, rendererDir: beforeDir, log: silentLogger });
    servers.push(beforeServer);
    const fewServer = await startStatusServer({ agent: fewAgent, rendererDir, log: silentLogger });
    servers.push(fewServer);
    const fewProbed = await probedContext(browser, FEW_NAMES);
    const probed = await probedContext(browser, names);
    const { context } = probed;
    const changes = new Changes(agent, names);
    // Every app page opens the printed URL: a new tab has the token only from its fragment (kept per tab).
    const app = (count: number) => appRound(probed, server.url, changes, count, 'app');
    const before = (count: number) => appRound(probed, beforeServer.url, changes, count, 'before');
    const naive = (count: number) =>
      withNaive ? naiveRound(context, server, stylesheet, changes, count, names) : Promise.resolve(undefined);
    const floor = () => floorRound(context, server, stylesheet, names);
    const few = () => loadRound(fewProbed, fewServer.url);
    // Warm-up, not counted: caches, JIT and the servers warm up.
    await app(1);
    await few();
    await before(1);
    await floor();
    await naive(1);
    const rounds: Round[] = [];
    for (let rep = 0; rep < reps; rep++) {
      // The order alternates, so that no page always follows another.
      if (rep % 2 === 0) {
        const appPage = await app(perPage);
        const fewPage = await few();
        const beforePage = await before(perPage);
        const floorPage = await floor();
        rounds.push({ app: appPage, few: fewPage, before: beforePage, floor: floorPage, naive: await naive(perPage) });
      } else {
        const naivePage = await naive(perPage);
        const floorPage = await floor();
        const beforePage = await before(perPage);
        const fewPage = await few();
        rounds.push({ app: await app(perPage), few: fewPage, before: beforePage, floor: floorPage, naive: naivePage });
      }
    }
    return describe(rounds, names);
  } finally {
    await browser?.close();
    for (const server of servers) await server.close();
    await agent.close();
    await fewAgent.close();
  }
}

const of = <T>(list: T[], pick: (item: T) => number) => summarize(list.map(pick));
const cpuNote = (list: MainThreadTime[]) =>
  `CPU time; of which style + layout ${median(list.map((cpu) => cpu.styleLayoutMs)).toFixed(0)} ms`;
const dataToFrame = (load: { dataAt: number; frameAt: number }) => load.frameAt - load.dataAt;

function describe(rounds: Round[], names: number): ResultRow[] {
  const naive = rounds.flatMap((round) => (round.naive ? [round.naive] : []));
  return [
    ...describeApp(rounds, names, 'app', (round) => round.app),
    ...describeApp(rounds, names, 'before', (round) => round.before),
    ...describeRatios(rounds, names),
    ...describeFew(rounds, names),
    ...describeFloor(rounds, names),
    ...(naive.length > 0 ? describeNaive(rounds, naive, names) : []),
  ];
}

/** One page's own figures: `label` is app (this tree) or before (BENCH_RENDER_BEFORE). */
function describeApp(rounds: Round[], names: number, label: string, pick: (round: Round) => AppPage): ResultRow[] {
  const count = names.toLocaleString('en-US');
  const pages = rounds.map(pick);
  const changes = pages.flatMap((page) => page.changes);
  const keystrokes = pages.flatMap((page) => page.keystrokes);
  const goal = (text: string) => (label === 'app' ? `; goal ${text}` : '');
  return [
    row(
      BENCH_RENDER,
      `${label}: navigation → first frame with ${count} rows`,
      of(pages, (page) => page.load.frameAt),
      'ms',
      `${pages.length} page loads, warm HTTP cache`,
    ),
    row(
      BENCH_RENDER,
      `${label}: data → first frame with ${count} rows`,
      of(pages, (page) => dataToFrame(page.load)),
      'ms',
      `wall time, the page’s own work${goal('<= 100 ms')}`,
    ),
    row(
      BENCH_RENDER,
      `${label}: navigation → every one of ${count} rows held`,
      of(pages, (page) => page.load.wholeAt),
      'ms',
      'the table no longer busy (the app draws its first frame from the first rows)',
    ),
    row(
      BENCH_RENDER,
      `${label}: main thread busy, whole load`,
      of(pages, (page) => page.loadCpu.taskMs),
      'ms',
      cpuNote(pages.map((page) => page.loadCpu)),
    ),
    row(
      BENCH_RENDER,
      `${label}: longest task while loading`,
      of(pages, (page) => longest(page.load.longTasks)),
      'ms',
      'Long Tasks API',
    ),
    row(
      BENCH_RENDER,
      `${label}: set → row shows the value`,
      of(changes, (change) => change.setToRow),
      'ms',
      `${changes.length} changes (${changes.filter((change) => change.pushed).length} came with the event, no request); includes 100 ms server coalescing`,
    ),
    row(
      BENCH_RENDER,
      `${label}: data (answer or event) → row updated (DOM)`,
      of(changes, (change) => change.dataToDom),
      'ms',
      'parse, apply, keyed row update',
    ),
    row(
      BENCH_RENDER,
      `${label}: main thread busy per change`,
      of(changes, (change) => change.cpu.taskMs),
      'ms',
      `${cpuNote(changes.map((change) => change.cpu))}; the measurement's own included`,
    ),
    row(
      BENCH_RENDER,
      `${label}: main thread busy, the same calls with no change`,
      summarize(pages.flatMap((page) => page.idleSpans)),
      'ms',
      "the measurement's own cost (CDP calls, a frame), in the same page",
    ),
    row(
      BENCH_RENDER,
      `${label}: main thread busy per change, less the measurement's own`,
      summarize(pages.map((page) => median(page.changes.map((change) => change.cpu.taskMs)) - median(page.idleSpans))),
      'ms',
      `per page: median change less median idle span${goal('<= 8 ms')}`,
    ),
    row(
      BENCH_RENDER,
      `${label}: filter keystroke over ${count} names → next frame`,
      of(keystrokes, (keystroke) => keystroke.ms),
      'ms',
      `${keystrokes.length} keystrokes${goal('<= 50 ms')}`,
    ),
    row(
      BENCH_RENDER,
      `${label}: main thread busy per filter keystroke`,
      of(keystrokes, (keystroke) => keystroke.cpuMs),
      'ms',
      'CPU time',
    ),
    row(
      BENCH_RENDER,
      `${label}: JS heap with ${count} variables`,
      of(pages, (page) => page.heapBytes / (1024 * 1024)),
      'MB',
      'JSHeapUsedSize after the load settled',
    ),
  ];
}

/** This tree's page over the one before, per round (both met the same machine state). */
function describeRatios(rounds: Round[], names: number): ResultRow[] {
  const count = names.toLocaleString('en-US');
  const perRound = (pick: (page: AppPage) => number) =>
    summarize(rounds.map((round) => pick(round.app) / pick(round.before)));
  const changeCpu = (page: AppPage) => median(page.changes.map((change) => change.cpu.taskMs));
  const keystroke = (page: AppPage) => median(page.keystrokes.map((entry) => entry.ms));
  return [
    row(
      BENCH_RENDER,
      `data → first frame with ${count} rows, app / before (ratio)`,
      perRound((page) => dataToFrame(page.load)),
      '×',
      'per round; goal <= 0.5',
    ),
    row(
      BENCH_RENDER,
      'main thread whole load, app / before (ratio)',
      perRound((page) => page.loadCpu.taskMs),
      '×',
      'CPU time, per round',
    ),
    row(
      BENCH_RENDER,
      'main thread per change, app / before (ratio)',
      perRound(changeCpu),
      '×',
      'CPU time, per round, of round medians',
    ),
    row(
      BENCH_RENDER,
      'filter keystroke → next frame, app / before (ratio)',
      perRound(keystroke),
      '×',
      'per round, of round medians',
    ),
    row(
      BENCH_RENDER,
      'JS heap, app / before (ratio)',
      perRound((page) => page.heapBytes),
      '×',
      'per round',
    ),
  ];
}

/** The same window with FEW_NAMES variables: what the 10,000 cost the first frame, if anything. */
function describeFew(rounds: Round[], names: number): ResultRow[] {
  const count = names.toLocaleString('en-US');
  return [
    row(
      BENCH_RENDER,
      `app: data → first frame with ${FEW_NAMES} rows`,
      of(rounds, (round) => dataToFrame(round.few)),
      'ms',
      `the same window and history over an agent with ${FEW_NAMES} variables`,
    ),
    row(
      BENCH_RENDER,
      `data → first frame, ${count} rows / ${FEW_NAMES} rows (ratio)`,
      summarize(rounds.map((round) => dataToFrame(round.app.load) / dataToFrame(round.few))),
      '×',
      'per round: what the list’s size costs the first frame (1: nothing)',
    ),
  ];
}

/** A page that loads once by itself (the floor, the naive page): its first frame after the data, and its CPU. */
function describeLoads(
  firstFrameMetric: string,
  label: string,
  pages: Array<{ load: NaiveLoadTimes; loadCpu: MainThreadTime }>,
  wallNote: string,
): ResultRow[] {
  return [
    row(
      BENCH_RENDER,
      firstFrameMetric,
      of(pages, (page) => dataToFrame(page.load)),
      'ms',
      wallNote,
    ),
    row(
      BENCH_RENDER,
      `${label}: main thread busy, fetch to frame`,
      of(pages, (page) => page.loadCpu.taskMs),
      'ms',
      cpuNote(pages.map((page) => page.loadCpu)),
    ),
  ];
}

function describeFloor(rounds: Round[], names: number): ResultRow[] {
  const count = names.toLocaleString('en-US');
  const floors = rounds.map((round) => round.floor);
  return [
    ...describeLoads(
      `floor: data → first frame, ${count} parsed, ${FLOOR_ROWS} rows drawn`,
      'floor',
      floors,
      'wall time; the app’s first answer and one innerHTML, nothing else on the page',
    ),
    row(
      BENCH_RENDER,
      `data → first frame with ${count} rows, app / floor (ratio)`,
      summarize(rounds.map((round) => dataToFrame(round.app.load) / dataToFrame(round.floor.load))),
      '×',
      'per round: what the whole window costs over the least any page needs here',
    ),
  ];
}

function describeNaive(rounds: Round[], naive: NaivePage[], names: number): ResultRow[] {
  const count = names.toLocaleString('en-US');
  const changes = naive.flatMap((page) => page.changes);
  return [
    ...describeLoads(`naive: data → first frame with ${count} rows`, 'naive', naive, 'wall time, one innerHTML'),
    row(
      BENCH_RENDER,
      'naive: main thread busy per change',
      of(changes, (change) => change.cpu.taskMs),
      'ms',
      cpuNote(changes.map((change) => change.cpu)),
    ),
    row(
      BENCH_RENDER,
      `data → first frame with ${count} rows, app / naive (ratio)`,
      summarize(
        rounds.flatMap((round) => (round.naive ? [dataToFrame(round.app.load) / dataToFrame(round.naive.load)] : [])),
      ),
      '×',
      'per round',
    ),
  ];
}
