// The headless agent (`varsync run --ui`, a real child process) and the emulator, for real, with the
// status page in Debian's Chromium through Playwright. Screenshots of each state are kept in
// test-results/screenshots/.
// Its security (CSP, token, Host, Origin, loopback, no token sent to other local servers) is proven
// in e2e/security.e2e.test.ts; here, how the page gets and uses its token (URL fragment, Bearer).
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import { launchChromium } from '../bench/lib/browser.js';
import { chromiumMissing } from './chromium.js';
import { DEMO, startEmulator, type Emulator } from '../emulator/index.js';
import { tempDir } from '../test/helpers/agent.js';
import { emulatorEnv, varsync } from '../test/helpers/cli.js';
import { startDaemon, type DaemonProcess } from '../test/helpers/daemon.js';
import { accessibilityViolations } from './axe.js';

const SCREENSHOTS = 'test-results/screenshots';
const HW = 'e2e-device';
const license = { product: DEMO.product, licenseKey: DEMO.licenseKey };

let emulator: Emulator;
let daemon: DaemonProcess;
let dataDir: string;
let statusUrl: string;
let origin: string;
let token: string;
let browser: Browser;
let page: Page;
/** Every request the main page made to the status server, as Chromium sent it. */
const pageRequests: Request[] = [];
const NO_TOKEN_TEXT = "Open the URL that varsync run --ui printed (it carries this run's token).";

/** A screenshot of the state, and axe over it: no WCAG 2.1 AA violation in any state the window shows. */
const shot = async (name: string, on: Page = page) => {
  await on.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
  expect(await accessibilityViolations(on), name).toEqual([]);
};
const stateText = () => page.getByTestId('status-state').innerText();
const serverValues = () => emulator.state.variablesOf(DEMO.product, HW);

// Each state is screenshotted and checked by axe: slow on a loaded machine, hence the longer timeout.
describe.skipIf(chromiumMissing)('status page in Chromium', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    emulator = await startEmulator();
    dataDir = tempDir();
    daemon = await startDaemon(
      emulatorEnv(emulator, dataDir, {
        VARSYNC_HARDWARE_ID: HW,
        VARSYNC_RETRY_BASE_MS: '50',
        VARSYNC_RETRY_MAX_MS: '400',
        VARSYNC_RECHECK_SECONDS: '1',
        VARSYNC_LOG_LEVEL: 'info',
      }),
    );
    ({ url: statusUrl, origin, token } = daemon);
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (error) => console.log(`page error: ${error.message}`));
    page.on('request', (request) => void (request.url().startsWith(origin) && pageRequests.push(request)));
    await page.goto(statusUrl);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await emulator?.close();
  });

  it('the printed URL carries the token in its fragment; the page loads, and the token leaves the address bar', async () => {
    // Checked without printing the token on failure.
    expect(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/.test(statusUrl)).toBe(true);
    await expect.poll(stateText).toMatch(/synced/i);
    expect(page.url() === `${origin}/`, 'the address bar holds no token').toBe(true);
    expect(await page.evaluate(() => location.hash === '')).toBe(true);
    // No request ever carried the token in its address; each API call carried it as a Bearer header.
    expect(pageRequests.length).toBeGreaterThan(0);
    expect(
      pageRequests.filter((request) => request.url().includes(token)).map((request) => new URL(request.url()).pathname),
    ).toEqual([]);
    const apiCalls = () => pageRequests.filter((request) => new URL(request.url()).pathname.startsWith('/api/'));
    // The first screen, then the whole list once that is painted, and the event stream.
    await expect
      .poll(() => apiCalls().map((request) => new URL(request.url()).pathname))
      .toEqual(expect.arrayContaining(['/api/first-screen', '/api/changes', '/api/events']));
    for (const request of apiCalls())
      expect((await request.headerValue('authorization')) === `Bearer ${token}`, request.url()).toBe(true);
    expect(await page.context().cookies()).toEqual([]);
  });

  it('live updates come through the fetch-read event stream: a set in another process shows in the page', async () => {
    const events = () => pageRequests.filter((request) => new URL(request.url()).pathname === '/api/events');
    await expect.poll(() => events().length).toBeGreaterThan(0);
    expect(events().map((request) => request.resourceType())).toEqual(['fetch']);
    await expect.poll(stateText).toMatch(/synced/i);
    // The page refreshes only when the stream says so (or after its own actions): nothing else would show this.
    await runCli(['set', 'live=from-another-process']);
    const row = page.locator('[data-testid="variable-row"][data-name="live"]');
    await expect.poll(() => row.count(), { timeout: 5_000 }).toBe(1);
    expect(await row.innerText()).toContain('from-another-process');
  });

  it('the API answers the Bearer token, and refuses no token and a cookie holding it (401)', async () => {
    expect(
      (await page.request.get(`${origin}/api/status`, { headers: { Authorization: `Bearer ${token}` } })).status(),
    ).toBe(200);
    expect((await page.request.get(`${origin}/api/status`)).status()).toBe(401);
    expect(
      (await page.request.get(`${origin}/api/status`, { headers: { Cookie: `varsync_token=${token}` } })).status(),
    ).toBe(401);
  });

  it('a reload keeps working (the tab kept its token); an older ?token= URL is moved to the fragment without a cookie', async () => {
    await page.reload();
    await expect.poll(stateText).toMatch(/synced/i);
    expect(page.url() === `${origin}/`, 'the address bar holds no token').toBe(true);

    const context = await browser.newContext();
    try {
      const legacy = await context.newPage();
      const redirects: Array<{ status: number; location: string | null; setCookie: string | null }> = [];
      legacy.on('response', async (response) => {
        if (response.status() >= 300 && response.status() < 400) {
          redirects.push({
            status: response.status(),
            location: await response.headerValue('location'),
            setCookie: await response.headerValue('set-cookie'),
          });
        }
      });
      await legacy.goto(`${origin}/?token=${token}`);
      await expect.poll(() => legacy.getByTestId('status-state').innerText()).toMatch(/synced/i);
      expect(
        redirects.map(({ status, location, setCookie }) => ({
          status,
          toFragment: location === `/#token=${token}`,
          setCookie,
        })),
      ).toEqual([{ status: 303, toFragment: true, setCookie: null }]);
      expect(legacy.url() === `${origin}/`, 'the address bar holds no token').toBe(true);
      expect(await context.cookies()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('without the token (the bare address, or a new tab) the page says which URL to open', async () => {
    const context = await browser.newContext();
    try {
      const bare = await context.newPage();
      await bare.goto(`${origin}/`);
      await expect.poll(() => bare.getByTestId('no-token').innerText()).toBe(NO_TOKEN_TEXT);
      expect(await bare.getByTestId('status-state').count()).toBe(0);
      await bare.screenshot({ path: `${SCREENSHOTS}/no-token.png` });
      // sessionStorage is per tab: another tab of a browser that has the page open gets no token either.
      const otherTab = await page.context().newPage();
      await otherTab.goto(`${origin}/`);
      await expect.poll(() => otherTab.getByTestId('no-token').innerText()).toBe(NO_TOKEN_TEXT);
      await otherTab.close();
    } finally {
      await context.close();
    }
  });

  it('shows pending variables while the server is down, and synced within 2 s of Sync now once it is back', async () => {
    emulator.faults.add({
      type: 'drop',
      count: 100_000,
      only: ['track_device_variables', 'activate_license', '.well-known'],
    });
    await runCli(['set', 'color=blue', 'seats:=3']);
    const colorRow = page.locator('[data-testid="variable-row"][data-name="color"]');
    await expect.poll(() => colorRow.getAttribute('data-state'), { timeout: 5_000 }).toBe('pending');
    await expect.poll(stateText, { timeout: 5_000 }).toMatch(/offline|pending/i);
    await expect.poll(() => page.getByTestId('pending-count').innerText()).toContain('2');
    await shot('offline-pending');

    emulator.faults.clear();
    const clicked = Date.now();
    await page.getByTestId('sync-now').click();
    await expect.poll(() => colorRow.getAttribute('data-state'), { timeout: 2_000, interval: 50 }).toBe('synced');
    console.log(`synced on the page ${Date.now() - clicked} ms after Sync now`);
    expect(serverValues()).toMatchObject({ color: 'blue', seats: 3 });
    await expect.poll(stateText).toMatch(/synced/i);
    await shot('synced');
  });

  const heldStates: Array<[string, () => void, () => void, RegExp]> = [
    [
      'license disabled',
      () => emulator.state.changeLicense(license, { enabled: false }),
      () => emulator.state.changeLicense(license, { enabled: true }),
      /This device's license is disabled\./,
    ],
    [
      'clock off',
      () => emulator.faults.setClockSkew(22 * 60_000),
      () => emulator.faults.setClockSkew(0),
      /Your clock is 22 minutes off/,
    ],
    [
      'device blacklisted',
      () => emulator.state.setBlacklisted(DEMO.product, HW, true),
      () => emulator.state.setBlacklisted(DEMO.product, HW, false),
      /This device has been blocked by the vendor\./,
    ],
    [
      'API key revoked',
      () =>
        emulator.state.load({
          ...emulator.state.seed,
          apiKeys: [{ apiKey: DEMO.apiKey, sharedKey: DEMO.sharedKey, revoked: true, readOnly: false }],
        }),
      () =>
        emulator.state.load({
          ...emulator.state.seed,
          apiKeys: [{ apiKey: DEMO.apiKey, sharedKey: DEMO.sharedKey, revoked: false, readOnly: false }],
        }),
      /The API key has been revoked\./,
    ],
  ];

  it.each(heldStates)(
    '%s: shows its plain-language reason and what to do, then recovers',
    async (name, breakIt, fixIt, reason) => {
      breakIt();
      try {
        await runCli(['set', `probe=${name}`]);
        await expect.poll(() => page.getByTestId('status-reason').innerText(), { timeout: 5_000 }).toMatch(reason);
        expect((await page.getByTestId('status-action').innerText()).length).toBeGreaterThan(5);
        await expect.poll(stateText).toMatch(/attention/i);
        await shot(`held-${name.replace(/\s+/g, '-')}`);
      } finally {
        fixIt();
      }
      await page.getByTestId('sync-now').click();
      await expect.poll(stateText, { timeout: 5_000 }).toMatch(/synced/i);
    },
  );

  it('a refused variable is shown with the server reason, and Retry sends it once allowed', async () => {
    emulator.state.load({ ...emulator.state.seed, validation: { rejectNames: ['rejected'] } });
    // load() resets devices: the agent re-activates on its own.
    await runCli(['set', 'rejected=x', 'fine=y']);
    const deadLetter = page.locator('[data-testid="dead-letter-row"][data-name="rejected"]');
    await expect.poll(() => deadLetter.count(), { timeout: 5_000 }).toBe(1);
    expect(await deadLetter.innerText()).toMatch(/validation_error/);
    await shot('dead-letter');
    emulator.state.load({ ...emulator.state.seed, validation: { rejectNames: [] } });
    await deadLetter.getByTestId('retry-button').click();
    await expect.poll(() => serverValues().rejected, { timeout: 5_000 }).toBe('x');
    await expect.poll(() => deadLetter.count()).toBe(0);
  });

  it('works from the keyboard, in the dark theme and at 200% zoom', async () => {
    await runCli(['set', 'keyboard=1']);
    // From the top of the page (Activity's attempts lie between Sync now and the filter).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let reachedSyncNow = false;
    for (let step = 0; step < 10 && !reachedSyncNow; step++) {
      await page.keyboard.press('Tab');
      reachedSyncNow = await page.getByTestId('sync-now').evaluate((button) => button === document.activeElement);
    }
    expect(reachedSyncNow).toBe(true);
    // A change of state is announced: the state is inside a polite live region.
    expect(await page.locator('[aria-live="polite"] [data-testid="status-state"]').count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => serverValues().keyboard, { timeout: 3_000 }).toBe('1');

    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).not.toBe('rgb(255, 255, 255)');
    await shot('dark');
    await page.emulateMedia({ colorScheme: 'light' });

    const zoomed = await browser.newContext({ viewport: { width: 640, height: 900 }, deviceScaleFactor: 2 });
    const zoomedPage = await zoomed.newPage();
    await zoomedPage.goto(statusUrl);
    await expect.poll(() => zoomedPage.getByTestId('status-state').isVisible()).toBe(true);
    const overflows = await zoomedPage.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    expect(overflows).toBe(false);
    await shot('zoom-200', zoomedPage);
    await zoomed.close();
  });

  it('shows 1,000 variables and filters them by name', async () => {
    await runCli([
      'set',
      ...Array.from({ length: 1000 }, (_, index) => `bulk-${String(index).padStart(4, '0')}=v${index}`),
    ]);
    // The table declares every row (it renders those in view: e2e/variables-virtual.e2e.test.ts).
    const declared = async () => Number(await page.locator('.variables table').getAttribute('aria-rowcount')) - 1;
    await expect.poll(declared, { timeout: 10_000 }).toBeGreaterThanOrEqual(1000);
    await page.getByTestId('filter').fill('bulk-09');
    await expect.poll(declared).toBe(100);
    await page.getByTestId('filter').fill('');
    await expect.poll(() => serverValues()['bulk-0999'], { timeout: 10_000 }).toBe('v999');
  });

  it('the filter narrows the table by name', async () => {
    await page.getByTestId('filter').fill('col');
    await expect.poll(() => page.locator('[data-testid="variable-row"]').count()).toBe(1);
    await page.getByTestId('filter').fill('');
  });
});

async function runCli(argv: string[]): Promise<void> {
  const result = await varsync(argv, emulatorEnv(emulator, dataDir, { VARSYNC_HARDWARE_ID: HW }));
  if (result.code !== 0) throw new Error(`varsync ${argv.join(' ')} failed: ${result.stderr}`);
}
