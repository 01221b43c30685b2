// "Test the connection" on the status page, for real: the headless agent (`varsync run --ui`, a
// child process) against the HTTPS emulator with its private CA, straight, through a TLS-inspecting
// proxy that re-signs with its own CA, and through Debian's tinyproxy asking for credentials; the
// page in Debian's Chromium through Playwright. The panel shows the steps, the certificate chain
// as seen (the foreign issuer at once), the verdict with what to do, and never a credential; axe
// finds no WCAG 2.1 AA violation in either outcome.
import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../bench/lib/browser.js';
import { chromiumMissing } from './chromium.js';
import {
  createCertificateAuthority,
  createServerCertificate,
  startEmulator,
  type Emulator,
} from '../emulator/index.js';
import { tempDir } from '../test/helpers/agent.js';
import { emulatorEnv } from '../test/helpers/cli.js';
import { startDaemon, type DaemonProcess } from '../test/helpers/daemon.js';
import { startInspectingProxy, type InspectingProxy } from '../test/net/helpers/inspecting-proxy.js';
import { startTinyproxy, type Tinyproxy } from '../test/net/helpers/tinyproxy.js';
import { accessibilityViolations } from './axe.js';

const SCREENSHOTS = 'test-results/screenshots';
const AUTH = { user: 'pageproxyuser', password: 'Pr0xy-page-s3cret' };

let emulator: Emulator;
let caFile: string;
let inspecting: InspectingProxy;
let guarded: Tinyproxy;
let browser: Browser;
let daemon: DaemonProcess | undefined;

/** The daemon with `env`, its status page open, and the connection test run from the page. */
async function testFromThePage(env: NodeJS.ProcessEnv): Promise<Page> {
  daemon = await startDaemon(emulatorEnv(emulator, tempDir(), { VARSYNC_CA_FILE: caFile, ...env }));
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.log(`page error: ${error.message}`));
  await page.goto(daemon.url);
  await page.getByRole('button', { name: 'Test the connection' }).click();
  await page.getByTestId('network-verdict').waitFor({ timeout: 30_000 });
  return page;
}

const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();

describe.skipIf(chromiumMissing)('the connection test on the status page', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const ca = createCertificateAuthority();
    caFile = ca.caFile;
    emulator = await startEmulator({ tls: createServerCertificate(ca) });
    inspecting = await startInspectingProxy(caFile);
    guarded = await startTinyproxy({ auth: AUTH });
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([emulator?.close(), inspecting?.close(), guarded?.close()]);
  });

  it('straight to the HTTPS emulator with caFile: every step passes, the chain is the private CA, nothing to do', async () => {
    const page = await testFromThePage({ VARSYNC_PROXY: 'direct' });
    expect(await text(page, 'network-verdict-reason')).toBe('This device reaches the License API.');
    expect(await text(page, 'network-verdict-action')).toBe('Nothing to do.');
    expect(await text(page, 'network-api-url')).toBe(emulator.apiBaseUrl);
    expect(await text(page, 'network-proxy')).toContain('None (straight to the server)');
    expect(await text(page, 'network-proxy-source')).toContain('direct (env VARSYNC_PROXY)');
    expect(await page.getByTestId('network-dns').getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('network-tcp').getAttribute('data-ok')).toBe('true');
    expect(await text(page, 'network-tls')).toMatch(/^Certificate \(TLS\)\s+Trusted\s+\d+ ms TLSv1\.3/);
    expect(await page.getByTestId('network-certificate').allInnerTexts()).toEqual([
      expect.stringMatching(/^CN=127\.0\.0\.1, issued by CN=Varsync Emulator Test CA, valid to /),
      // The trusted root it leads to (from caFile).
      expect.stringMatching(/^CN=Varsync Emulator Test CA, issued by CN=Varsync Emulator Test CA, valid to /),
    ]);
    expect(await page.getByTestId('network-well-known').getAttribute('data-ok')).toBe('true');
    await page.screenshot({ path: `${SCREENSHOTS}/network-check-ok.png`, fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('through a TLS-inspecting proxy: the foreign issuer shows, the verdict says what to do', async () => {
    const page = await testFromThePage({ HTTPS_PROXY: inspecting.url });
    expect(await text(page, 'network-proxy')).toContain(inspecting.url);
    expect(await text(page, 'network-proxy-source')).toContain('system (env HTTPS_PROXY)');
    expect(await text(page, 'network-tcp')).toContain('(proxy)');
    expect(await page.getByTestId('network-tls').getAttribute('data-ok')).toBe('false');
    expect(await text(page, 'network-tls')).toContain('Not trusted');
    expect(await text(page, 'network-tls')).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(await page.getByTestId('network-certificate').allInnerTexts()).toEqual([
      expect.stringMatching(/^CN=127\.0\.0\.1, issued by CN=Example Corp Inspection CA, valid to /),
    ]);
    expect(await page.getByTestId('network-well-known').getAttribute('data-ok')).toBe('false');
    expect(await text(page, 'network-verdict-reason')).toBe(
      "The License API's certificate is not trusted here (a network that inspects HTTPS replaces it). The certificate seen was issued by Example Corp Inspection CA.",
    );
    expect(await text(page, 'network-verdict-action')).toMatch(/^Install your organization's root certificate/);
    await page.screenshot({ path: `${SCREENSHOTS}/network-check-inspected.png`, fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('through a proxy that wants credentials: they are used, and neither the page nor the API answer shows them', async () => {
    const page = await testFromThePage({
      VARSYNC_PROXY: `http://${AUTH.user}:${AUTH.password}@127.0.0.1:${guarded.port}`,
    });
    expect(await text(page, 'network-verdict-reason')).toBe(
      `This device reaches the License API through the proxy http://[redacted]@127.0.0.1:${guarded.port}.`,
    );
    expect(await text(page, 'network-proxy-source')).toContain('proxy setting (env VARSYNC_PROXY)');
    const shown = await page.content();
    expect(shown.includes(AUTH.password), 'the password is on the page').toBe(false);
    expect(shown.includes(AUTH.user), 'the user name is on the page').toBe(false);
    const answer = await page.request.post(`${daemon!.origin}/api/network-check`, {
      headers: { Authorization: `Bearer ${daemon!.token}`, 'Content-Type': 'application/json' },
      data: {},
    });
    expect(answer.status()).toBe(200);
    const body = await answer.text();
    expect(body.includes(AUTH.password) || body.includes(AUTH.user), 'a credential in the API answer').toBe(false);
  });
});
