// A Chrome or Chromium (find-browser.ts) through playwright-core, headless, with nothing that
// phones home: for the benchmarks that time the page and the e2e specs. Scripts that run in the page are plain JavaScript files read from
// disk (a TypeScript transform could add helpers that do not exist in the browser).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { findBrowser } from './find-browser.js';

/** The browser this run drives, or why there is none (one line, with how to get one). */
export const BROWSER = findBrowser();

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Also launches the browser of the e2e specs, which add their own switches (`extraArgs`). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if ('problem' in BROWSER) throw new Error(`${BROWSER.problem}; or skip this benchmark with BENCH_ONLY`);
  return chromium.launch({ executablePath: BROWSER.path, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** The source of a script in bench/lib/, to run in a page. */
export function pageScript(file: string): string {
  return readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');
}

/** A call to evaluate in the page, its arguments as JSON: `call('f', 1, 'a')` is `f(1,"a")`. */
export function call(name: string, ...args: unknown[]): string {
  return `${name}(${args.map((arg) => JSON.stringify(arg)).join(', ')})`;
}

/** CPU time of a page's main thread, in ms: all its tasks, and the part spent on style and layout. */
export interface MainThreadTime {
  taskMs: number;
  styleLayoutMs: number;
}

export interface MainThreadMeter {
  read(): Promise<MainThreadTime>;
  /** The page's JavaScript heap in use, in bytes. */
  heapUsedBytes(): Promise<number>;
}

/**
 * Chromium's own counters of a page's main thread (CDP Performance.getMetrics) in thread time: CPU
 * spent, not wall time, so another process taking the core while the page waits does not count.
 */
export async function mainThreadMeter(context: BrowserContext, page: Page): Promise<MainThreadMeter> {
  const session = await context.newCDPSession(page);
  await session.send('Performance.enable', { timeDomain: 'threadTicks' });
  const metric = async (name: string) =>
    (await session.send('Performance.getMetrics')).metrics.find((entry) => entry.name === name)?.value ?? 0;
  return {
    async read() {
      const { metrics } = await session.send('Performance.getMetrics');
      const seconds = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? 0;
      return {
        taskMs: seconds('TaskDuration') * 1000,
        styleLayoutMs: (seconds('RecalcStyleDuration') + seconds('LayoutDuration')) * 1000,
      };
    },
    heapUsedBytes: () => metric('JSHeapUsedSize'),
  };
}

export function timeBetween(before: MainThreadTime, after: MainThreadTime): MainThreadTime {
  return { taskMs: after.taskMs - before.taskMs, styleLayoutMs: after.styleLayoutMs - before.styleLayoutMs };
}
