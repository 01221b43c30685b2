// Security of the headless status page, for real: `varsync run --ui` as a child process against the
// emulator, its page in Debian's Chromium through Playwright, and a loopback server of the test's
// own playing another origin. It proves what the page and its server promise (README, "Security"):
// - the Content-Security-Policy stops every way of injecting script (inline, handlers, javascript:
//   links, eval, another origin's script) and of sending data to another origin (fetch, beacon,
//   image, form: form-action 'none'); the same injections run on a page without it (the control);
// - leaving the page: no other site can frame it (frame-ancestors 'none', X-Frame-Options), and a
//   window it opens gets no handle on it (Cross-Origin-Opener-Policy) and no Referer. A plain
//   browser lets its user go anywhere (no shipped CSP directive governs top-level navigation:
//   navigate-to never shipped); refusing navigation and window.open is the Electron window's job
//   (main/app/security.ts: will-navigate, setWindowOpenHandler), proven in test/app/security.test.ts
//   and, where an Electron binary exists, in e2e/electron.e2e.test.ts;
// - the server gives data only to requests with the token (a Bearer header; the shell it serves
//   without one is the public build), our Host (a DNS-rebinding name is refused), our Origin
//   (another origin's requests are refused) and from loopback (nothing listens on the machine's
//   other addresses; the guard's remote-address check is unit-tested in test/security/guard.test.ts);
// - the token never leaves the page: it comes in the URL's fragment, no cookie holds it, so a
//   browser that used the page sends it to no other server on 127.0.0.1 (cookies ignore ports).
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../bench/lib/browser.js';
import { chromiumMissing } from './chromium.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META } from '../shared/content-security-policy.js';
import { eventually, tempDir } from '../test/helpers/agent.js';
import { emulatorEnv } from '../test/helpers/cli.js';
import { startDaemon, type DaemonProcess } from '../test/helpers/daemon.js';
import {
  injectScripts,
  sendToOtherOrigin,
  startForeignOrigin,
  type ForeignOrigin,
  type InjectionOutcome,
} from './security-probes.js';

const RENDERER_INDEX = join(import.meta.dirname, '..', 'out', 'renderer', 'index.html');
/** A name that resolves to 127.0.0.1 in this browser only: what a DNS-rebinding attack makes of an attacker's name. */
const REBINDING_HOST = 'rebind.test';

const NONE_RAN: InjectionOutcome['ran'] = {
  inlineScript: false,
  inlineHandler: false,
  javascriptUrl: false,
  evalString: false,
  newFunction: false,
  remoteScript: false,
};

let emulator: Emulator;
let daemon: DaemonProcess;
let statusUrl: string;
let origin: string;
let token: string;
let foreign: ForeignOrigin;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

/** The requests the other origin received whose path starts with `prefix`. */
const foreignRequests = (prefix: string) => foreign.requests.filter((request) => request.path.startsWith(prefix));

describe.skipIf(chromiumMissing)('security of the status page in Chromium', () => {
  beforeAll(async () => {
    emulator = await startEmulator();
    daemon = await startDaemon(
      emulatorEnv(emulator, tempDir('varsync-security-'), { VARSYNC_HARDWARE_ID: 'security-device' }),
    );
    ({ url: statusUrl, origin, token } = daemon);
    expect(/^[\w-]{20,}$/.test(token)).toBe(true);
    foreign = await startForeignOrigin(`${origin}/`);
    browser = await launchChromium([`--host-resolver-rules=MAP ${REBINDING_HOST} 127.0.0.1`]);
    context = await browser.newContext();
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(statusUrl);
    await page.getByTestId('status-state').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await foreign?.close();
    await emulator?.close();
  });

  describe('the Content-Security-Policy', () => {
    it('is sent with the page and repeated in its <meta>, with the headers that go with it', async () => {
      const answer = await page.request.get(`${origin}/`);
      expect(answer.status()).toBe(200);
      const headers = answer.headers();
      expect(headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(headers).toMatchObject({
        'x-frame-options': 'DENY',
        'cross-origin-opener-policy': 'same-origin',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      });
      const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      expect(meta).toBe(CONTENT_SECURITY_POLICY_META);
      if (existsSync(RENDERER_INDEX))
        expect(readFileSync(RENDERER_INDEX, 'utf8')).toContain(CONTENT_SECURITY_POLICY_META);
    });

    it('control: on a page without it, every injection runs (so the probe sees when one does)', async () => {
      const control = await context.newPage();
      await control.goto(`${foreign.origin}/control.html`);
      const outcome = await control.evaluate(injectScripts, `${foreign.origin}/remote.js?from=control`);
      await control.close();
      expect(outcome.ran).toEqual({
        inlineScript: true,
        inlineHandler: true,
        javascriptUrl: true,
        evalString: true,
        newFunction: true,
        remoteScript: true,
      });
      expect(outcome.violations).toEqual([]);
      expect(foreignRequests('/remote.js?from=control')).toHaveLength(1);
    });

    it("stops injected inline scripts, inline handlers, javascript: links, eval, new Function and another loopback origin's script", async () => {
      const remote = `${foreign.origin}/remote.js?from=status-page`;
      const outcome = await page.evaluate(injectScripts, remote);
      expect(outcome.ran).toEqual(NONE_RAN);
      // The browser never even asked the other origin for its script.
      expect(foreignRequests('/remote.js?from=status-page')).toEqual([]);
      const refused = new Set(outcome.violations.map(({ directive, blocked }) => `${directive} ${blocked}`));
      expect([...refused].sort()).toEqual(
        ['script-src eval', 'script-src-attr inline', 'script-src-elem inline', `script-src-elem ${remote}`].sort(),
      );
      // Chromium's console says so too (eval's refusal is the EvalError the probe caught instead).
      for (const message of [
        /inline script violates .*Content Security Policy/,
        /inline event handler violates/,
        /JavaScript URL violates/,
        /Loading the script 'http:\/\/127\.0\.0\.1:\d+\/remote\.js\?from=status-page' violates/,
      ]) {
        expect(
          consoleErrors.some((text) => message.test(text)),
          String(message),
        ).toBe(true);
      }
      // The page still works: its own script is untouched.
      expect(await page.getByTestId('status-state').innerText()).not.toBe('');
    });

    it('stops the page sending anything to another origin: fetch, beacon, image, form', async () => {
      const outcome = await page.evaluate(sendToOtherOrigin, foreign.origin);
      expect(outcome.fetchFailed).toBe(true);
      expect(new Set(outcome.violations.map(({ directive }) => directive))).toEqual(
        new Set(['connect-src', 'img-src', 'form-action']),
      );
      expect(foreignRequests('/leak')).toEqual([]);
      expect(page.url() === `${origin}/`, 'the page stayed').toBe(true);
    });
  });

  describe('leaving the page', () => {
    it('no other site can show it in a frame', async () => {
      const framing = await context.newPage();
      await framing.goto(`${foreign.origin}/frame.html`);
      const frame = await (await framing.locator('#framed').elementHandle())!.contentFrame();
      // Chromium puts its error page in the frame instead of the status page.
      await eventually(
        () => frame?.url(),
        (url) => url !== undefined && url !== 'about:blank',
      );
      expect(frame!.url()).not.toContain(origin);
      expect(await frame!.locator('[data-testid="status-state"]').count()).toBe(0);
      await framing.close();
    });

    it('a window it opens gets no handle on it and learns nothing of it (no opener, no Referer)', async () => {
      type Opener = { __opened?: { closed: boolean } | null };
      const [popup] = await Promise.all([
        page.waitForEvent('popup'),
        page.evaluate(
          (target) => void ((window as unknown as Opener).__opened = window.open(target)),
          `${foreign.origin}/landing?from=window-open`,
        ),
      ]);
      // A popup starts as about:blank: wait for the other origin's page itself.
      await popup.waitForURL(`${foreign.origin}/landing?from=window-open`);
      await popup.getByText('another origin').first().waitFor();
      expect(await popup.evaluate(() => window.opener === null)).toBe(true);
      // Cross-Origin-Opener-Policy: same-origin put the other origin in its own browsing context group:
      // the page's handle on the window it opened reads as closed.
      expect(await page.evaluate(() => (window as unknown as Opener).__opened?.closed ?? true)).toBe(true);
      await popup.close();
      expect(foreignRequests('/landing?from=window-open').map(({ path, referer }) => ({ path, referer }))).toEqual([
        { path: '/landing?from=window-open', referer: undefined },
      ]);
    });
  });

  describe('the loopback server, as a browser meets it', () => {
    it('gives a browser without the token no data (API, events, writes, a wrong ?token=); the public shell it gets says what to open', async () => {
      const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(await (await page.request.get(`${origin}/`)).text())?.[1];
      expect(asset).toBeDefined();
      const stranger = await browser.newContext();
      try {
        for (const path of [
          '/api/status',
          '/api/variables',
          '/api/dead-letters',
          '/api/events',
          '/?token=wrong-token',
        ]) {
          const answer = await stranger.request.get(`${origin}${path}`, { maxRedirects: 0 });
          expect(answer.status(), path).toBe(401);
          expect(answer.headers()['set-cookie'], path).toBeUndefined();
        }
        const posted = await stranger.request.post(`${origin}/api/pause`, { data: {}, maxRedirects: 0 });
        expect(posted.status()).toBe(401);
        // The shell is the public build: the same bytes as out/renderer, no data in it.
        for (const path of ['/', `/${asset}`])
          expect((await stranger.request.get(`${origin}${path}`)).status(), path).toBe(200);
        const bare = await stranger.newPage();
        await bare.goto(`${origin}/`);
        await expect
          .poll(() => bare.getByTestId('no-token').innerText())
          .toMatch(/^Open the URL that varsync run --ui printed/);
        expect(await bare.getByTestId('variable-row').count()).toBe(0);
        expect(await stranger.cookies()).toEqual([]);
      } finally {
        await stranger.close();
      }
      expect(await page.getByTestId('status-state').innerText()).not.toMatch(/paused/i);
    });

    it('refuses a DNS-rebinding name for 127.0.0.1 by its Host, even with the token', async () => {
      const rebinding = await browser.newContext();
      try {
        const attacker = await rebinding.newPage();
        // The attacker's page, now served by the status server under the attacker's name.
        const opened = await attacker.goto(`http://${REBINDING_HOST}:${new URL(origin).port}/`);
        expect(opened?.status()).toBe(421);
        // Same origin for the attacker's script, so it may read the answer: refused even with the token.
        const status = await attacker.evaluate(
          async (token) => (await fetch('/api/status', { headers: { Authorization: `Bearer ${token}` } })).status,
          token,
        );
        expect(status).toBe(421);
        expect(await rebinding.cookies()).toEqual([]);
      } finally {
        await rebinding.close();
      }
    });

    it('refuses another origin, which has no token to send either (checked on the wire)', async () => {
      const other = await context.newPage();
      await other.goto(`${foreign.origin}/landing`);
      // What went over the wire, from Chromium itself: the headers sent and the status answered,
      // also for the answers the page may not read.
      const wire = new Map<
        string,
        { method?: string; url?: string; token?: boolean; origin?: string; status?: number }
      >();
      const cdp = await context.newCDPSession(other);
      await cdp.send('Network.enable');
      const note = (id: string, fields: object) => wire.set(id, { ...wire.get(id), ...fields });
      cdp.on('Network.requestWillBeSent', (event) =>
        note(event.requestId, { method: event.request.method, url: event.request.url }),
      );
      cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
        const headers = Object.fromEntries(
          Object.entries(event.headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
        );
        note(event.requestId, {
          token: Object.values(headers).some((value) => value.includes(token)) || 'cookie' in headers,
          origin: headers.origin,
        });
      });
      cdp.on('Network.responseReceivedExtraInfo', (event) => note(event.requestId, { status: event.statusCode }));

      await other.evaluate(async (target) => {
        const quietly = (request: Promise<unknown>) => request.catch(() => undefined);
        await quietly(fetch(`${target}/api/status`, { credentials: 'include' }));
        await quietly(
          fetch(`${target}/api/pause`, {
            method: 'POST',
            mode: 'no-cors',
            credentials: 'include',
            headers: { 'Content-Type': 'text/plain' },
            body: '{}',
          }),
        );
        await quietly(
          fetch(`${target}/api/pause`, {
            method: 'POST',
            credentials: 'include',
            headers: { 'Content-Type': 'application/json' },
            body: '{}',
          }),
        );
      }, origin);
      const answered = () =>
        [...wire.values()].filter((request) => request.url?.startsWith(origin) && request.status !== undefined);
      await eventually(answered, (requests) => requests.length >= 3);
      await cdp.detach();
      await other.close();

      const seen = answered().map(({ method, url, token: sentToken, origin: sentOrigin, status }) => ({
        method,
        path: new URL(url!).pathname,
        sentToken,
        sentOrigin,
        status,
      }));
      expect(seen).toEqual([
        // No cookie exists to go along: the other origin has nothing to present, and its Origin is refused first.
        { method: 'GET', path: '/api/status', sentToken: false, sentOrigin: foreign.origin, status: 403 },
        // Refused for its Origin (403), not merely for its text/plain body (415).
        { method: 'POST', path: '/api/pause', sentToken: false, sentOrigin: foreign.origin, status: 403 },
        // A JSON POST needs a preflight; it is refused and the POST is never sent.
        { method: 'OPTIONS', path: '/api/pause', sentToken: false, sentOrigin: foreign.origin, status: 403 },
      ]);
      expect(await page.getByTestId('status-state').innerText()).not.toMatch(/paused/i);
      expect(daemon.output()).not.toMatch(/paused/i);
    });

    it('a browser that used the status page sends its token to no other server on 127.0.0.1', async () => {
      // The page has been in use in this context since the start (API calls, event stream, reloads of data).
      await expect.poll(() => page.getByTestId('status-state').innerText()).not.toBe('');
      expect(await context.cookies()).toEqual([]);
      // Everything a browser sends on its own to another port of 127.0.0.1: a navigation, a reload,
      // a credentialed fetch, an image, a form post.
      const visit = await context.newPage();
      await visit.goto(`${foreign.origin}/landing?from=visit`);
      await visit.reload();
      await visit.evaluate(async (target) => {
        await fetch(`${target}/visit/fetch`, { credentials: 'include' }).catch(() => undefined);
        await new Promise((resolve) => {
          const image = new Image();
          image.onload = image.onerror = resolve;
          image.src = `${target}/visit/image.png`;
        });
      }, foreign.origin);
      await visit.evaluate((target) => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = `${target}/visit/form`;
        document.body.append(form);
        form.submit();
      }, foreign.origin);
      await visit.waitForURL(`${foreign.origin}/visit/form`);
      await visit.close();
      expect(foreignRequests('/landing?from=visit')).toHaveLength(2);
      expect(
        foreignRequests('/visit/')
          .map((request) => request.path)
          .sort(),
      ).toEqual(['/visit/fetch', '/visit/form', '/visit/image.png']);
      // Every request the other server received in this whole file (the visits above, the frames,
      // the window the page opened, the control page): the token in no header and no address.
      // (Paths only in the failure message: the token itself is never printed.)
      expect(foreign.requests.length).toBeGreaterThanOrEqual(7);
      const carriesToken = (request: (typeof foreign.requests)[number]) =>
        request.path.includes(token) ||
        JSON.stringify(request.headers).includes(token) ||
        /varsync/i.test(request.headers.cookie ?? '') ||
        request.headers.authorization !== undefined;
      expect(foreign.requests.filter(carriesToken).map((request) => request.path)).toEqual([]);
    });

    it("does not listen on this machine's other addresses", async (test) => {
      const addresses = Object.values(networkInterfaces())
        .flat()
        .filter((address) => address !== undefined && !address.internal && !address.address.startsWith('fe80:'))
        .map((address) => address!.address);
      if (addresses.length === 0) return test.skip('this machine has no non-loopback address to try');
      const port = Number(new URL(origin).port);
      for (const address of addresses) {
        const refusal = await new Promise<string>((resolve) => {
          const socket = connect({ host: address, port, timeout: 5_000 });
          socket.once('connect', () => {
            socket.destroy();
            resolve('connected');
          });
          socket.once('timeout', () => {
            socket.destroy();
            resolve('timeout');
          });
          socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        });
        expect(refusal, address).toBe('ECONNREFUSED');
      }
      // The same port answers on loopback: the refusal is the bind address, not a closed server.
      expect(
        (await page.request.get(`${origin}/api/status`, { headers: { Authorization: `Bearer ${token}` } })).status(),
      ).toBe(200);
    });
  });
});
