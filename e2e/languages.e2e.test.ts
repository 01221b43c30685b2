// Every language in Chromium against a real `varsync run --ui` and the emulator: the page follows
// the browser's language (Playwright's `locale` on the context), says its words from that catalog,
// formats through Intl, and in Arabic is right to left with its layout mirrored. A screenshot of
// each lands in test-results/screenshots/. The pseudo-locale en-XA (every message in ⟦ ⟧) proves
// that no word on screen escaped the catalogs, in every state the window shows; a configured
// `locale` (VARSYNC_LOCALE) outranks the browser's.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../bench/lib/browser.js';
import { chromiumMissing } from './chromium.js';
import { DEMO, type Emulator } from '../emulator/index.js';
import { CATALOGS, type Language } from '../shared/i18n/languages.js';
import { eventually, tempDir } from '../test/helpers/agent.js';
import { varsync } from '../test/helpers/cli.js';
import { startDaemon, type DaemonProcess } from '../test/helpers/daemon.js';
import { accessibilityViolations } from './axe.js';
import { daemonAfterFailedAttempt } from './failed-attempt-daemon.js';

const SCREENSHOTS = 'test-results/screenshots';
const HW = 'e2e-languages-device';
const LICENSE = { product: DEMO.product, licenseKey: DEMO.licenseKey };

let emulator: Emulator;
let daemon: DaemonProcess;
let env: NodeJS.ProcessEnv;
let browser: Browser;

/** A page of the status page with the browser set to `locale`, once its data is shown. */
async function openIn(locale: string, url = daemon.url): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`page error (${locale}): ${error.message}`));
  await page.goto(url);
  await page.getByTestId('variable-row').first().waitFor({ timeout: 15_000 });
  await page.getByTestId('attempt-row').first().waitFor({ timeout: 15_000 });
  return page;
}

/**
 * What the page shows that is neither a catalog message (in the pseudo-locale's ⟦ ⟧) nor data:
 * text inside translate="no" (names, values, codes, IDs, commands), <time> and [data-intl] (Intl's
 * dates and numbers), [lang="en"] (the agent's and the server's own words), and bare numbers or
 * punctuation. Visible text, the title, aria-label and data-label (the stacked table's labels).
 */
function untranslated(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const isData = (element: Element) =>
      element.closest('[translate="no"], time, [data-intl], [lang="en"], script, style, noscript') !== null;
    const leftovers = (text: string): string[] => {
      let rest = text;
      for (let previous = ''; previous !== rest;) {
        previous = rest;
        rest = rest.replace(/⟦[^⟦⟧]*⟧/g, ' ');
      }
      return rest.split(/\s+/).filter((word) => word !== '' && !/^[\p{N}\p{P}\p{S}]+$/u.test(word));
    };
    let text = '';
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      text += parent && !isData(parent) ? (node as Text).data : ' ';
    }
    const found = leftovers(text).map((word) => `text: ${word}`);
    for (const element of Array.from(document.querySelectorAll('[aria-label], [data-label]'))) {
      // An element's own translate="no" is about its content: its label is still words.
      if (element.parentElement && isData(element.parentElement)) continue;
      for (const name of ['aria-label', 'data-label']) {
        const value = element.getAttribute(name);
        if (value !== null) found.push(...leftovers(value).map((word) => `${name}: ${word} (in "${value}")`));
      }
    }
    found.push(...leftovers(document.title).map((word) => `title: ${word}`));
    return found;
  });
}

describe.skipIf(chromiumMissing)('every language in Chromium', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // A failed attempt (503) before the one that sends, and a value the server refuses.
    ({ emulator, env, daemon } = await daemonAfterFailedAttempt(
      HW,
      ['color=blue', 'seats:=3', 'beta:=true', 'refused=x'],
      {
        env: { VARSYNC_RECHECK_SECONDS: '1' },
        prepare: (emulator) =>
          emulator.state.load({ ...emulator.state.seed, validation: { rejectNames: ['refused'] } }),
      },
    ));
    await eventually(
      () => daemon.status(),
      (status) => status.failed === 1 && status.state === 'synced',
      20_000,
    );
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await emulator?.close();
  });

  const languages: Array<[Language, string]> = [
    ['en', 'en-US'],
    ['de', 'de-DE'],
    ['fr', 'fr-FR'],
    ['es', 'es-ES'],
    ['ja', 'ja-JP'],
    ['ar', 'ar-EG'],
  ];

  it.each(languages)(
    '%s (%s): its words, its lang and direction, Intl numbers; a screenshot',
    async (language, tag) => {
      const page = await openIn(tag);
      try {
        const catalog = CATALOGS[language];
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(tag);
        expect(await page.evaluate(() => document.documentElement.dir)).toBe(language === 'ar' ? 'rtl' : 'ltr');
        expect(await page.locator('#variables-heading').innerText()).toBe(catalog['variables.heading']);
        expect(await page.locator('#activity-heading').innerText()).toBe(catalog['activity.heading']);
        expect(await page.getByTestId('status-state').innerText()).toBe(catalog['state.synced']);
        expect(await page.getByTestId('sync-now').innerText()).toBe(catalog['status.syncNow']);
        const outcome = page.locator('[data-testid="attempt-row"][data-outcome="retrying"] .var-state');
        expect(await outcome.innerText()).toBe(catalog['outcome.retrying']);
        // Numbers as Intl writes them in this locale (Arabic may use its own digits).
        expect(await page.getByTestId('pending-count').innerText()).toBe(new Intl.NumberFormat(tag).format(0));
        await page.screenshot({ path: `${SCREENSHOTS}/language-${language}.png`, fullPage: true });
      } finally {
        await page.context().close();
      }
    },
  );

  it('Arabic mirrors the layout: the status before the device panel from the right, the chart running leftwards', async () => {
    const boxes = async (page: Page) => ({
      status: (await page.locator('section.status').boundingBox())!,
      device: (await page.locator('section.device').boundingBox())!,
      pillDot: (await page.getByTestId('status-state').locator('.dot').boundingBox())!,
      pill: (await page.getByTestId('status-state').boundingBox())!,
      ticks: await page
        .locator('[data-testid="history-chart"] text.label[text-anchor]')
        .evaluateAll((labels) => labels.slice(2).map((label) => label.getBoundingClientRect().x)),
      heading: (await page.locator('#variables-heading').boundingBox())!,
      section: (await page.locator('section.variables').boundingBox())!,
    });
    const english = await openIn('en-US');
    const arabic = await openIn('ar-EG');
    try {
      const ltr = await boxes(english);
      const rtl = await boxes(arabic);
      // Side by side: left to right in English, right to left in Arabic.
      expect(ltr.status.x).toBeLessThan(ltr.device.x);
      expect(rtl.status.x).toBeGreaterThan(rtl.device.x);
      // The state's dot comes first in reading order: at the left in English, at the right in Arabic.
      expect(ltr.pillDot.x - ltr.pill.x).toBeLessThan(ltr.pill.width / 2);
      expect(rtl.pillDot.x - rtl.pill.x).toBeGreaterThan(rtl.pill.width / 2);
      // Headings start at the reading side of their section.
      expect(ltr.heading.x - ltr.section.x).toBeLessThan(ltr.section.width / 2);
      expect(rtl.heading.x + rtl.heading.width).toBeGreaterThan(rtl.section.x + rtl.section.width / 2);
      // 24 hours ago to now: rightwards in English, leftwards in Arabic.
      expect(ltr.ticks.length).toBe(5);
      expect(ltr.ticks[0]!).toBeLessThan(ltr.ticks[4]!);
      expect(rtl.ticks[0]!).toBeGreaterThan(rtl.ticks[4]!);
      await arabic.screenshot({ path: `${SCREENSHOTS}/language-ar-mirrored.png` });
    } finally {
      await english.context().close();
      await arabic.context().close();
    }
  });

  it.each([['ar-EG'], ['de-DE']])('%s has no WCAG 2.1 AA violation (axe), an attempt log open', async (tag) => {
    const page = await openIn(tag);
    try {
      await page.locator('[data-testid="attempt-row"][data-outcome="retrying"]').getByTestId('attempt-open').click();
      await page.getByTestId('attempt-log-lines').waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('in the pseudo-locale, every word in every state comes from the catalogs', async () => {
    const page = await openIn('en-XA');
    const seen: Record<string, string[]> = {};
    const check = async (state: string) => {
      seen[state] = await untranslated(page);
    };
    try {
      expect(await page.getByTestId('status-state').innerText()).toBe('⟦Synced⟧');
      await check('synced, with a refused value and Activity');
      await page.locator('[data-testid="attempt-row"][data-outcome="retrying"]').getByTestId('attempt-open').click();
      await page.getByTestId('attempt-log-lines').waitFor();
      await check('an attempt log open');
      await page.getByTestId('discard-button').click();
      await page.getByTestId('discard-confirm').waitFor();
      await check('asking before discarding');
      await page.getByTestId('discard-cancel').click();
      await page.getByTestId('filter').fill('no-such-name');
      await page.getByTestId('no-matches').waitFor();
      await check('a filter that matches nothing');
      await page.getByTestId('filter').fill('');
      await page.getByTestId('network-check-run').click();
      await page.getByTestId('network-verdict').waitFor({ timeout: 20_000 });
      await check('the connection test done');
      await page.getByTestId('pause-toggle').click();
      await expect.poll(() => page.getByTestId('status-state').innerText()).toBe('⟦Paused⟧');
      await check('paused');
      await page.getByTestId('pause-toggle').click();
      emulator.state.changeLicense(LICENSE, { enabled: false });
      try {
        await varsync(['set', 'probe=held'], env);
        await expect
          .poll(() => page.getByTestId('status-state').innerText(), { timeout: 10_000 })
          .toBe('⟦Needs attention⟧');
        await page.locator('details.technical summary').click();
        await check('held by the license, technical details open');
        await page.screenshot({ path: `${SCREENSHOTS}/language-pseudo.png`, fullPage: true });
      } finally {
        emulator.state.changeLicense(LICENSE, { enabled: true });
      }
      expect(seen).toEqual(Object.fromEntries(Object.keys(seen).map((state) => [state, []])));
    } finally {
      await page.context().close();
    }
  });

  it('a configured locale (VARSYNC_LOCALE) outranks the browser: Japanese in a German browser', async () => {
    const fixed = await startDaemon({ ...env, VARSYNC_LOCALE: 'ja', VARSYNC_DATA_DIR: tempDir() });
    try {
      const page = await (await browser.newContext({ locale: 'de-DE' })).newPage();
      await page.goto(fixed.url);
      await expect
        .poll(() => page.locator('#variables-heading').innerText(), { timeout: 15_000 })
        .toBe(CATALOGS.ja['variables.heading']);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
      await page.context().close();
    } finally {
      await fixed.stop();
    }
  });
});
