// Activity in Chromium against a real `varsync run --ui` and the emulator: a failed attempt (a 503)
// and the one that then sent the value are listed; opening the red one shows its log lines (read
// from the daemon's log folder, the same lines `varsync logs --attempt` prints) and Copy puts them
// on the clipboard; past 20 attempts the list shows the latest until asked for all.
// Screenshot: test-results/screenshots/activity.png (the README's picture).
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../bench/lib/browser.js';
import { chromiumMissing } from './chromium.js';
import type { Emulator } from '../emulator/index.js';
import { varsync } from '../test/helpers/cli.js';
import type { DaemonProcess } from '../test/helpers/daemon.js';
import { ATTEMPTS_IN_FIRST_FRAME, LATEST_ATTEMPTS_SHOWN } from '../renderer/activity-rows.js';
import { accessibilityViolations } from './axe.js';
import { daemonAfterFailedAttempt } from './failed-attempt-daemon.js';

const SCREENSHOTS = 'test-results/screenshots';
const HW = 'e2e-activity-device';

let emulator: Emulator;
let daemon: DaemonProcess;
let env: NodeJS.ProcessEnv;
let browser: Browser;
let page: Page;

/** The outcomes of the chart's dots, left to right: each outcome's path draws a dot per attempt, each starting `M<x> <y>`. */
const chartDots = (chart: Locator) =>
  chart.locator('path.attempt-dots').evaluateAll((paths) =>
    paths
      .flatMap((path) =>
        [...(path.getAttribute('d') ?? '').matchAll(/M(-?[\d.]+) /g)].map((move) => ({
          x: Number(move[1]),
          outcome: path.getAttribute('data-outcome'),
        })),
      )
      .sort((a, b) => a.x - b.x)
      .map((dot) => dot.outcome),
  );

/** The first-frame spec's page: its idle callbacks run when the test says. */
type IdleHeld = Window & { releaseIdle?: () => void };

describe.skipIf(chromiumMissing)('Activity in Chromium', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    ({ emulator, env, daemon } = await daemonAfterFailedAttempt(HW, ['color=blue', 'seats:=3']));
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: daemon.origin });
    page = await context.newPage();
    page.on('pageerror', (error) => console.log(`page error: ${error.message}`));
    await page.goto(daemon.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await emulator?.close();
  });

  it('lists the failed attempt and the one that sent the values, with trigger, outcome, counts and problem', async () => {
    const rows = page.getByTestId('attempt-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const failed = page.locator('[data-testid="attempt-row"][data-outcome="retrying"]');
    const sent = page.locator('[data-testid="attempt-row"][data-outcome="drained"]');
    expect(await failed.count()).toBe(1);
    expect(await sent.count()).toBe(1);
    const failedText = await failed.innerText();
    expect(failedText).toMatch(/Failed, will retry/);
    expect(failedText).toMatch(/server: server_error/);
    const sentText = await sent.innerText();
    expect(sentText).toMatch(/Sent/);
    expect(sentText).toMatch(/\b2\b/); // values sent
    // Newest first: the attempt that sent the values is above the one that failed.
    expect(await rows.first().getAttribute('data-outcome')).toBe('drained');
  });

  it('is one tab stop: Tab passes the list in one step, the arrow keys, Home and End move within it, Enter opens', async () => {
    const buttons = page.getByTestId('attempt-open');
    const count = await buttons.count();
    expect(count).toBeGreaterThanOrEqual(2);
    const focusedAttempt = () => page.evaluate(() => document.activeElement?.getAttribute('data-attempt') ?? null);
    const ids = await buttons.evaluateAll((list) => list.map((button) => button.getAttribute('data-attempt')));
    // Only the first row's button is in the tab order.
    expect(await buttons.evaluateAll((list) => list.map((button) => button.tabIndex))).toEqual(
      ids.map((_id, index) => (index === 0 ? 0 : -1)),
    );
    await page.getByRole('heading', { name: 'Activity' }).focus();
    await page.keyboard.press('Tab');
    expect(await focusedAttempt()).toBe(ids[0]);
    await page.keyboard.press('ArrowDown');
    expect(await focusedAttempt()).toBe(ids[1]);
    await page.keyboard.press('ArrowUp');
    expect(await focusedAttempt()).toBe(ids[0]);
    await page.keyboard.press('End');
    expect(await focusedAttempt()).toBe(ids.at(-1));
    await page.keyboard.press('Home');
    expect(await focusedAttempt()).toBe(ids[0]);
    await page.keyboard.press('ArrowDown');
    // One Tab leaves the list whichever row was last; Shift+Tab comes back to that row.
    await page.keyboard.press('Tab');
    expect(await focusedAttempt()).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="activity"] tbody'))).toBeNull();
    await page.keyboard.press('Shift+Tab');
    expect(await focusedAttempt()).toBe(ids[1]);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('attempt-log').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('attempt-log').locator('h3 code').innerText()).toBe(ids[1]);
    await page.getByTestId('attempt-log-close').click();
  });

  it('draws the last 24 hours from the same history: a dot per attempt by outcome, and the pending line', async () => {
    const chart = page.getByTestId('history-chart');
    expect(await chartDots(chart)).toEqual(['retrying', 'drained']); // a dot per attempt, oldest first, left to right
    expect(await page.getByTestId('attempt-row').count()).toBe(2);
    // Two values were left pending after the failed attempt, none after the one that sent them.
    const levels = await chart
      .getByTestId('pending-line')
      .evaluate((line) => [
        ...new Set((line.getAttribute('points') ?? '').split(' ').map((point) => point.split(',')[1])),
      ]);
    expect(levels).toHaveLength(2);
    expect(Number(levels[0])).toBeLessThan(Number(levels[1])); // higher on screen: more pending
    expect(await chart.locator('desc').textContent()).toMatch(
      /^2 attempts in the last 24 hours: Failed, will retry: 1 and Sent: 1\. At most 2 values left pending/,
    );
  });

  it('opens the red one: its log lines, as `varsync logs --attempt` prints them, and Copy copies them', async () => {
    const failed = page.locator('[data-testid="attempt-row"][data-outcome="retrying"]');
    const id = (await failed.getByTestId('attempt-open').innerText()).trim();
    expect(id).toMatch(/^[0-9a-f]{8}$/);
    await failed.getByTestId('attempt-open').click();
    const lines = page.getByTestId('attempt-log-lines');
    await expect.poll(() => lines.count(), { timeout: 10_000 }).toBe(1);
    const shown = await lines.innerText();
    expect(shown).toMatch(/server failure 503 server_error/);
    const fromCli = await varsync(['logs', '--attempt', id], env);
    expect(shown.trim()).toBe(fromCli.stdout.trim());
    // Opening moved focus to the log's heading, for keyboard and screen-reader users.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H3');

    await page.getByTestId('attempt-log-copy').click();
    await expect.poll(() => page.getByTestId('notice').innerText(), { timeout: 10_000 }).toMatch(/is copied/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(fromCli.stdout.trimEnd());
    await page.screenshot({ path: `${SCREENSHOTS}/activity.png`, fullPage: true });
    expect(await accessibilityViolations(page), 'activity open').toEqual([]);

    await page.getByTestId('attempt-log-close').click();
    expect(await page.getByTestId('attempt-log').count()).toBe(0);
  });

  it('lists the latest 20 attempts until asked for all; the chart counts all of them', async () => {
    expect(await page.getByTestId('activity-show-all').count()).toBe(0); // two attempts: all listed
    // More attempts than are listed at first: a pass with a value to send is one (one with nothing
    // to send is not recorded), so each round sets a value and asks for a pass.
    for (let round = 0; round < LATEST_ATTEMPTS_SHOWN; round++) {
      await varsync(['set', `round=${round}`], env);
      const answer = await fetch(`${daemon.origin}/api/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(answer.status).toBe(200);
    }
    const activity = await fetch(`${daemon.origin}/api/activity`, {
      headers: { authorization: `Bearer ${daemon.token}` },
    });
    const all = ((await activity.json()) as unknown[]).length;
    expect(all).toBeGreaterThanOrEqual(LATEST_ATTEMPTS_SHOWN + 2);
    const chart = page.getByTestId('history-chart');
    await expect.poll(async () => (await chartDots(chart)).length, { timeout: 10_000 }).toBe(all);
    const toggle = page.getByTestId('activity-show-all');
    expect(await toggle.innerText()).toBe(`Show all ${all} attempts`);
    const rows = page.getByTestId('attempt-row');
    expect(await rows.count()).toBe(LATEST_ATTEMPTS_SHOWN);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    // From the keyboard: the toggle is a button; the oldest (the failed attempt) comes into the list.
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(all);
    expect(await rows.last().getAttribute('data-outcome')).toBe('retrying');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await toggle.innerText()).toBe(`Show only the latest ${LATEST_ATTEMPTS_SHOWN}`);
    expect(await accessibilityViolations(page), 'all attempts listed').toEqual([]);
    await toggle.click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(LATEST_ATTEMPTS_SHOWN);
  });

  it('lists what its box shows in its first frame, and the rest of the latest once the page is idle', async () => {
    const fresh = await page.context().newPage();
    // The page's idle callbacks wait until the test lets them run.
    await fresh.addInitScript(() => {
      const held: (() => void)[] = [];
      window.requestIdleCallback = (task) => held.push(() => task({ didTimeout: false, timeRemaining: () => 50 }));
      (window as IdleHeld).releaseIdle = () => {
        for (const task of held.splice(0)) task();
      };
    });
    try {
      await fresh.goto(daemon.url);
      const rows = fresh.getByTestId('attempt-row');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(ATTEMPTS_IN_FIRST_FRAME);
      // The newest first, as the whole list has them.
      expect(await rows.first().getByTestId('attempt-open').innerText()).toBe(
        await page.getByTestId('attempt-row').first().getByTestId('attempt-open').innerText(),
      );
      await fresh.evaluate(() => (window as IdleHeld).releaseIdle?.());
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(LATEST_ATTEMPTS_SHOWN);
    } finally {
      await fresh.close();
    }
  });
});
