// 10,000 variables in the status page of a real `varsync run --ui`, in Chromium: the table declares
// every row to screen readers (aria-rowcount, each row its aria-rowindex) but renders only those in
// view; its box scrolls by keyboard, its header stays in view, and the name filter finds any row. A
// change in another process reaches the page as that change alone: no list is fetched again, and
// only the changed row's DOM is touched. The first rows show before the whole list has come.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Response } from 'playwright-core';
import { launchChromium } from '../bench/lib/browser.js';
import { chromiumMissing } from './chromium.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { tempDir } from '../test/helpers/agent.js';
import { emulatorEnv, varsync } from '../test/helpers/cli.js';
import { startDaemon, type DaemonProcess } from '../test/helpers/daemon.js';

const COUNT = 10_000;
const SCREENSHOTS = 'test-results/screenshots';

let emulator: Emulator;
let env: NodeJS.ProcessEnv;
let daemon: DaemonProcess;
let browser: Browser;
let page: Page;
/** When the page last had an answer to /api/changes (ms since the epoch). */
let lastChangesAnswerAt = 0;
const names = Array.from({ length: COUNT }, (_unused, index) => `var-${index}`).sort();

const table = () => page.locator('.variables table');
const renderedRows = () => page.getByTestId('variable-row');
const rowIndexes = () =>
  renderedRows().evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('aria-rowindex'))));

/** What the first-screen spec's script counts in the page: frames drawn with the window loading before the first screen was asked for. */
type FramesSeen = Window & { framesBeforeFirstScreen?: number };

describe.skipIf(chromiumMissing)('10,000 variables in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    emulator = await startEmulator();
    env = emulatorEnv(emulator, tempDir(), { VARSYNC_HARDWARE_ID: 'e2e-virtual-device' });
    await varsync(['set', ...names.map((name, index) => `${name}=value-${index}`)], env);
    daemon = await startDaemon(env);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/changes') lastChangesAnswerAt = Date.now();
    });
    await page.goto(daemon.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await emulator?.close();
  });

  it('declares every row but renders only those in view, in order', async () => {
    await expect.poll(() => table().getAttribute('aria-rowcount'), { timeout: 15_000 }).toBe(String(COUNT + 1));
    const indexes = await rowIndexes();
    expect(indexes.length).toBeGreaterThan(5);
    expect(indexes.length).toBeLessThan(150);
    expect(indexes[0]).toBe(2); // the header is row 1
    expect(indexes).toEqual(indexes.map((_unused, offset) => 2 + offset));
    expect(await renderedRows().first().getAttribute('data-name')).toBe(names[0]);
  });

  it('applies a change made in another process to its row alone, from the event stream, without a request', async () => {
    // Settled first: every value confirmed, so that the only change from here on is the one made below,
    // and the page's own asking done: it holds the whole list (asked for after its first screen was
    // painted; the table is busy until then), and no answer for a while (one its event stream's
    // opening asks for comes at most a second after).
    await expect.poll(() => page.getByTestId('pending-count').innerText(), { timeout: 30_000 }).toBe('0');
    await expect.poll(() => page.locator('.variables [data-state="pending"]').count(), { timeout: 10_000 }).toBe(0);
    await expect
      .poll(() => page.locator('.variables .table-scroll').getAttribute('aria-busy'), { timeout: 15_000 })
      .toBe('false');
    await expect
      .poll(() => lastChangesAnswerAt > 0 && Date.now() - lastChangesAnswerAt > 1_500, { timeout: 15_000 })
      .toBe(true);
    const changed = names[0]!;
    const answers: Response[] = [];
    const onResponse = (response: Response) => void answers.push(response);
    page.on('response', onResponse);
    // Which rows' DOM the page touches from now on (the spacers and the header are not rows).
    await page.evaluate(() => {
      const touched = new Set<string>();
      (window as unknown as { touchedRows: Set<string> }).touchedRows = touched;
      const body = document.querySelector('.variables tbody')!;
      new MutationObserver((records) => {
        for (const record of records) {
          const target = record.target instanceof Element ? record.target : record.target.parentElement;
          touched.add(target?.closest('tr')?.getAttribute('data-name') ?? '(not a row)');
        }
      }).observe(body, { childList: true, subtree: true, characterData: true, attributes: true });
    });
    await varsync(['set', `${changed}=changed-elsewhere`], env);
    const row = page.locator(`[data-testid="variable-row"][data-name="${changed}"]`);
    await expect.poll(() => row.locator('.value-text').innerText(), { timeout: 10_000 }).toBe('changed-elsewhere');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('synced');
    page.off('response', onResponse);

    // The agent sent the changes with each event (the value, then its state once synced): the page
    // applied them as they came, asking for nothing.
    const paths = answers.map((response) => new URL(response.url()).pathname);
    expect(paths.filter((path) => path === '/api/variables' || path === '/api/changes')).toEqual([]);
    expect(await page.evaluate(() => [...(window as unknown as { touchedRows: Set<string> }).touchedRows])).toEqual([
      changed,
    ]);
  });

  it('numbers the rendered rows by their place in the whole list after a scroll to the middle', async () => {
    const box = page.locator('.variables .table-scroll');
    await box.evaluate((element) => (element.scrollTop = element.scrollHeight / 2));
    await expect.poll(async () => (await rowIndexes())[0] ?? 0, { timeout: 10_000 }).toBeGreaterThan(COUNT / 3);
    const shown = await renderedRows().evaluateAll((rows) =>
      rows.map((row) => [row.getAttribute('data-name'), Number(row.getAttribute('aria-rowindex'))] as const),
    );
    expect(shown.length).toBeGreaterThan(5);
    for (const [name, rowIndex] of shown) expect([name, rowIndex]).toEqual([name, names.indexOf(name!) + 2]);
    await box.evaluate((element) => (element.scrollTop = 0));
    await expect.poll(async () => (await rowIndexes())[0], { timeout: 10_000 }).toBe(2);
  });

  it('scrolls by keyboard to the last row, keeping the header in view', async () => {
    const box = page.locator('.variables .table-scroll');
    await box.focus();
    await page.keyboard.press('End');
    await expect.poll(async () => (await rowIndexes()).at(-1), { timeout: 10_000 }).toBe(COUNT + 1);
    expect(await renderedRows().last().getAttribute('data-name')).toBe(names.at(-1));
    const [boxTop, headerTop] = await Promise.all([
      box.evaluate((element) => element.getBoundingClientRect().top),
      page
        .locator('.variables thead th')
        .first()
        .evaluate((element) => element.getBoundingClientRect().top),
    ]);
    expect(Math.abs(headerTop - boxTop)).toBeLessThan(3);
    await page.screenshot({ path: `${SCREENSHOTS}/variables-10000-end.png` });
    await page.keyboard.press('Home');
    await expect.poll(async () => (await rowIndexes())[0], { timeout: 10_000 }).toBe(2);
  });

  it('filters 10,000 names to the one asked for', async () => {
    await page.getByTestId('filter').fill('var-999');
    const matching = names.filter((name) => name.includes('var-999')); // var-999 and var-9990 to var-9999
    expect(matching).toHaveLength(11);
    await expect
      .poll(() => table().getAttribute('aria-rowcount'), { timeout: 10_000 })
      .toBe(String(matching.length + 1));
    expect(await renderedRows().evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name')))).toEqual(
      matching,
    );
    await page.getByTestId('filter').fill('');
    await expect.poll(() => table().getAttribute('aria-rowcount'), { timeout: 10_000 }).toBe(String(COUNT + 1));
  });

  it('shows its first screen while the whole list is on its way, then every row', async () => {
    const early = await page.context().newPage();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await early.addInitScript(() => {
      const seen = window as FramesSeen;
      let frames = 0;
      const count = () => {
        if (document.querySelector('[data-testid="loading"]')) frames += 1;
        requestAnimationFrame(count);
      };
      requestAnimationFrame(count);
      const fetch = window.fetch;
      window.fetch = (input, init) => {
        if (String(input instanceof Request ? input.url : input).endsWith('/api/first-screen'))
          seen.framesBeforeFirstScreen ??= frames;
        return fetch(input, init);
      };
    });
    // The whole list (and any later change) waits until the first screen has been looked at.
    await early.route('**/api/changes', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await early.goto(daemon.url);
      const earlyTable = early.locator('.variables table');
      const box = early.locator('.variables .table-scroll');
      await expect.poll(() => earlyTable.getAttribute('aria-rowcount'), { timeout: 15_000 }).toBe(String(COUNT + 1));
      expect(await box.getAttribute('aria-busy')).toBe('true');
      expect(await early.getByTestId('variable-count').innerText()).toBe('10,000 variables.');
      const firstNames = () =>
        early.getByTestId('variable-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name')));
      // It was asked for once a frame had drawn the window loading: it then lands on a page with
      // nothing else to do.
      expect(await early.evaluate(() => (window as FramesSeen).framesBeforeFirstScreen)).toBeGreaterThanOrEqual(1);
      const shown = await firstNames();
      expect(shown.length).toBeGreaterThan(5);
      expect(shown).toEqual(names.slice(0, shown.length));
      // Deep in the list, before it has come: no rows yet, the scroll bar already the whole list's.
      await box.evaluate((element) => (element.scrollTop = element.scrollHeight / 2));
      await expect.poll(() => early.getByTestId('variable-row').count(), { timeout: 10_000 }).toBe(0);
      release();
      await expect.poll(() => box.getAttribute('aria-busy'), { timeout: 15_000 }).toBe('false');
      await expect
        .poll(async () => (await early.getByTestId('variable-row').count()) > 5, { timeout: 10_000 })
        .toBe(true);
      const middle = await early
        .getByTestId('variable-row')
        .evaluateAll((rows) =>
          rows.map((row) => [row.getAttribute('data-name'), Number(row.getAttribute('aria-rowindex'))] as const),
        );
      expect(middle[0]![1]).toBeGreaterThan(COUNT / 3);
      for (const [name, rowIndex] of middle) expect([name, rowIndex]).toEqual([name, names.indexOf(name!) + 2]);
    } finally {
      release();
      await early.close();
    }
  });

  it('gets the whole list in a tab that paints no frame (in the background), and its changes after', async () => {
    const hidden = await page.context().newPage();
    // A background tab runs no frame callbacks: the page must not wait for one to ask for the list.
    await hidden.addInitScript(() => {
      window.requestAnimationFrame = () => 0;
    });
    try {
      await hidden.goto(daemon.url);
      const box = hidden.locator('.variables .table-scroll');
      await expect.poll(() => box.getAttribute('aria-busy'), { timeout: 15_000 }).toBe('false');
      expect(await hidden.getByTestId('variable-count').innerText()).toBe('10,000 variables.');
      await varsync(['set', `${names[1]}=seen-in-the-background`], env);
      await expect
        .poll(() => hidden.locator(`tr[data-name="${names[1]}"] .value-text`).innerText(), { timeout: 15_000 })
        .toBe('seen-in-the-background');
    } finally {
      await hidden.close();
    }
  });
});
