// 10,000 variables in the status page of a real `varsync run --ui`, in Chromium: the table declares
// every row to screen readers (aria-rowcount, each row its aria-rowindex) but renders only those in
// view; its box scrolls by keyboard, its header stays in view, and the name filter finds any row.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { BROWSER, launchChromium } from '../bench/lib/browser.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { tempDir } from '../test/helpers/agent.js';
import { emulatorEnv, varsync } from '../test/helpers/cli.js';
import { startDaemon, type DaemonProcess } from '../test/helpers/daemon.js';

const COUNT = 10_000;
const SCREENSHOTS = 'test-results/screenshots';
const chromiumMissing = 'problem' in BROWSER;
if ('problem' in BROWSER) console.log(`skipped: ${BROWSER.problem}`);

let emulator: Emulator;
let daemon: DaemonProcess;
let browser: Browser;
let page: Page;
const names = Array.from({ length: COUNT }, (_unused, index) => `var-${index}`).sort();

const table = () => page.locator('.variables table');
const renderedRows = () => page.getByTestId('variable-row');
const rowIndexes = () =>
  renderedRows().evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('aria-rowindex'))));

describe.skipIf(chromiumMissing)('10,000 variables in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    emulator = await startEmulator();
    const env = emulatorEnv(emulator, tempDir(), { VARSYNC_HARDWARE_ID: 'e2e-virtual-device' });
    await varsync(['set', ...names.map((name, index) => `${name}=value-${index}`)], env);
    daemon = await startDaemon(env);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
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
});
