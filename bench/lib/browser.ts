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

/**
 * The features Playwright (1.65) turns off with its own --disable-features switch. Chromium obeys
 * only the last --disable-features on its command line, and Playwright puts the caller's after its
 * own, so ours must repeat them (e2e/browser-switches.e2e.test.ts fails when Playwright's list changes).
 */
export const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/**
 * What this harness also turns off: headless Chromium gives every tab the omnibox popup's WebUI
 * pages (chrome://omnibox-popup.top-chrome/ and its AI mode), about a hundred scripts that load and
 * run alongside the page under test, on the same two cores. The desktop window (Electron) has no
 * omnibox; in benchmark 7 they took the app's navigation-to-first-frame from about 500 ms to 1,100.
 */
export const HARNESS_DISABLED_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup'];

/** The switch's prefix; its value is a comma-separated list of features. */
export const DISABLE_FEATURES = '--disable-features=';

/** One --disable-features switch with Playwright's, the harness's and the caller's features. */
export function chromiumArgs(extraArgs: string[]): string[] {
  const callers = extraArgs.filter((arg) => arg.startsWith(DISABLE_FEATURES));
  const features = new Set([
    ...PLAYWRIGHT_DISABLED_FEATURES,
    ...HARNESS_DISABLED_FEATURES,
    ...callers.flatMap((arg) => arg.slice(DISABLE_FEATURES.length).split(',').filter(Boolean)),
  ]);
  return [
    ...CHROMIUM_ARGS,
    ...extraArgs.filter((arg) => !callers.includes(arg)),
    `${DISABLE_FEATURES}${[...features].join(',')}`,
  ];
}

/** Also launches the browser of the e2e specs, which add their own switches (`extraArgs`). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if ('problem' in BROWSER) throw new Error(`${BROWSER.problem}; or skip this benchmark with BENCH_ONLY`);
  return chromium.launch({ executablePath: BROWSER.path, args: chromiumArgs(extraArgs) });
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
