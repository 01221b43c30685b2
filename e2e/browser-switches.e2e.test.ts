// The browser the specs and benchmark 7 drive keeps Playwright's own switches and loses the
// omnibox popup pages that headless Chromium opens beside every tab (bench/lib/browser.ts).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumArgs, DISABLE_FEATURES, HARNESS_DISABLED_FEATURES, launchChromium } from '../bench/lib/browser.js';
import { chromiumMissing } from './chromium.js';

const featuresOf = (arg: string) => arg.slice(DISABLE_FEATURES.length).split(',');

describe('the switches the harness adds', () => {
  it("puts the caller's disabled features in the one switch Chromium obeys", () => {
    const args = chromiumArgs(['--disable-features=Foo,Bar', '--lang=de']);
    const switches = args.filter((arg) => arg.startsWith(DISABLE_FEATURES));
    expect(switches).toHaveLength(1);
    expect(featuresOf(switches[0] ?? DISABLE_FEATURES)).toEqual(
      expect.arrayContaining(['Foo', 'Bar', ...HARNESS_DISABLED_FEATURES]),
    );
    expect(args).toContain('--lang=de');
  });
});

describe.skipIf(chromiumMissing)('the launched browser', { timeout: 60_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.skipIf(process.platform !== 'linux')(
    "obeys a switch that holds Playwright's disabled features and the harness's",
    async () => {
      const session = await browser.newBrowserCDPSession();
      const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
        processInfo: { type: string; id: number }[];
      };
      const pid = processInfo.find((info) => info.type === 'browser')?.id;
      expect(pid, 'the browser process').toBeDefined();
      const switches = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        .split('\0')
        .filter((arg) => arg.startsWith(DISABLE_FEATURES));
      // Playwright's comes first; Chromium obeys the last one, which must hold every earlier one.
      const obeyed = featuresOf(switches.at(-1) ?? DISABLE_FEATURES);
      for (const earlier of switches.slice(0, -1)) expect(obeyed).toEqual(expect.arrayContaining(featuresOf(earlier)));
      expect(obeyed).toEqual(expect.arrayContaining(HARNESS_DISABLED_FEATURES));
    },
  );

  it('opens no omnibox popup pages beside a tab', async () => {
    const page = await browser.newPage();
    await page.goto('data:text/html,<p>tab</p>');
    const session = await browser.newBrowserCDPSession();
    const { targetInfos } = (await session.send('Target.getTargets')) as { targetInfos: { url: string }[] };
    expect(targetInfos.map((target) => target.url).filter((url) => url.includes('omnibox-popup'))).toEqual([]);
    await page.close();
  });
});
