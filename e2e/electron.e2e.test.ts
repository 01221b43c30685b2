// The Electron app for real (playwright-core's _electron): the window's content from app://varsync/,
// its security settings read back in the main process, close-to-tray, and the tray menu. It runs
// only where an Electron binary is present; finding out never triggers the electron package's
// download (which cannot work without internet access and would hang).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentApi, StatusView } from '../shared/agent-api.js';
import { IPC_METHOD } from '../shared/ipc.js';
import { eventually, tempDir } from '../test/helpers/agent.js';
import { findElectronBinary } from '../scripts/electron-binary.mjs';
import { injectScripts, sendToOtherOrigin, startForeignOrigin, tryToLeave } from './security-probes.js';

const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'out', 'main', 'main.mjs');
const RENDERER_INDEX = join(ROOT, 'out', 'renderer', 'index.html');

/** What else the app needs to start: a display, and a better-sqlite3 built for Electron's Node. */
function missingPrerequisite(binary: string): string | undefined {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'no display (run under xvfb-run)';
  const probe = spawnSync(binary, ['-e', "require('better-sqlite3')"], {
    cwd: ROOT,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (probe.status !== 0) {
    return `better-sqlite3 does not load in Electron (${/NODE_MODULE_VERSION \d+/.exec(probe.stderr)?.[0] ?? (probe.stderr.split('\n')[0] || 'unknown error')}); rebuild it for Electron first`;
  }
  return undefined;
}

const found = findElectronBinary();
const skipReason = found.path === undefined ? `no Electron binary: ${found.reason}` : missingPrerequisite(found.path);
if (skipReason) console.log(`skipped: ${skipReason}; see README`);

type TrayProbe = { menu?: Electron.Menu; tooltip?: string };

/** The page's globals this spec touches (written against globalThis: the root tsconfig has no DOM library). */
interface PageGlobals {
  varsync: AgentApi;
  require?: unknown;
  process?: unknown;
  location: { href: string };
  open(url: string): unknown;
  Notification: { requestPermission(): Promise<string> };
}

describe.skipIf(skipReason !== undefined)('the Electron app', () => {
  let app: ElectronApplication;
  let page: Page;

  const status = () => page.evaluate(() => (globalThis as unknown as PageGlobals).varsync.getStatus());
  const trayLabels = () =>
    app.evaluate(() =>
      ((globalThis as { __trayProbe?: TrayProbe }).__trayProbe?.menu?.items ?? []).map((item) => item.label),
    );
  const clickTray = (label: string) =>
    app.evaluate((_modules, wanted) => {
      const item = (globalThis as { __trayProbe?: TrayProbe }).__trayProbe?.menu?.items.find(
        (candidate) => candidate.label === wanted,
      );
      if (!item) throw new Error(`no tray menu item ${wanted}`);
      item.click();
    }, label);
  const mainWindow = () =>
    app.evaluate(({ BrowserWindow }) => {
      const windows = BrowserWindow.getAllWindows();
      return { count: windows.length, visible: windows[0]?.isVisible() ?? false };
    });

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['scripts/build-electron.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    if (existsSync(join(ROOT, 'renderer', 'vite.config.ts'))) {
      const renderer = spawnSync(
        process.execPath,
        ['node_modules/vite/bin/vite.js', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(renderer.status, renderer.stderr).toBe(0);
    }
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('VARSYNC_')),
    ) as Record<string, string>;
    app = await _electron.launch({
      executablePath: (found as { path: string }).path,
      args: [MAIN, `--user-data-dir=${tempDir('varsync-e2e-user-')}`],
      env: { ...env, VARSYNC_DATA_DIR: tempDir('varsync-e2e-data-') },
      timeout: 60_000,
    });
    page = await app.firstWindow();
    // The tray's menu and tooltip are rebuilt on every change of the agent: keep the latest of each.
    await app.evaluate(({ Tray }) => {
      const probe: TrayProbe = {};
      (globalThis as { __trayProbe?: TrayProbe }).__trayProbe = probe;
      const { setContextMenu, setToolTip } = Tray.prototype;
      Tray.prototype.setContextMenu = function (menu) {
        probe.menu = menu ?? undefined;
        return setContextMenu.call(this, menu);
      };
      Tray.prototype.setToolTip = function (text) {
        probe.tooltip = text;
        return setToolTip.call(this, text);
      };
    });
  }, 180_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
  });

  it('shows the app page from app://varsync/, with window.varsync and the demo agent', async (context) => {
    expect(page.url()).toBe('app://varsync/index.html');
    const api = await page.evaluate(() => Object.keys((globalThis as unknown as PageGlobals).varsync).sort());
    expect(api).toEqual([...Object.values(IPC_METHOD), 'onChange'].sort());
    expect(await status()).toMatchObject({ demo: true, product: 'varsync-demo' } satisfies Partial<StatusView>);
    if (!existsSync(RENDERER_INDEX)) return context.skip('the renderer is not built (out/renderer)');
    expect(await page.title()).toBe('Varsync');
    await page.getByTestId('demo-badge').waitFor({ timeout: 15_000 });
    await eventually(
      () => page.locator('body').innerText(),
      (text) => text.includes('varsync-demo'),
      15_000,
    );
  });

  it('runs the page isolated and sandboxed, without Node, under the strict CSP', async () => {
    const preferences = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents as Electron.WebContents & {
        getLastWebPreferences(): Electron.WebPreferences;
      };
      const {
        contextIsolation,
        sandbox,
        nodeIntegration,
        nodeIntegrationInWorker,
        nodeIntegrationInSubFrames,
        webSecurity,
        webviewTag,
        preload,
      } = contents.getLastWebPreferences();
      return {
        contextIsolation,
        sandbox,
        nodeIntegration,
        nodeIntegrationInWorker,
        nodeIntegrationInSubFrames,
        webSecurity,
        webviewTag,
        preload,
      };
    });
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(preferences.nodeIntegrationInWorker).not.toBe(true);
    expect(preferences.nodeIntegrationInSubFrames).not.toBe(true);
    expect(preferences.webviewTag).not.toBe(true);
    expect(preferences.preload).toBe(join(ROOT, 'out', 'main', 'preload.cjs'));

    const inPage = await page.evaluate(async () => {
      const page = globalThis as unknown as PageGlobals;
      return {
        require: typeof page.require,
        process: typeof page.process,
        ipcRenderer: 'ipcRenderer' in page,
        popup: page.open('https://example.com/') === null,
        notifications: await page.Notification.requestPermission(),
        csp: (await fetch(page.location.href)).headers.get('content-security-policy'),
        outside: (await fetch('app://varsync/..%2f..%2fpackage.json')).status,
      };
    });
    expect(inPage).toEqual({
      require: 'undefined',
      process: 'undefined',
      ipcRenderer: false,
      popup: true,
      notifications: 'denied',
      csp: "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
      outside: 404,
    });
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(page.url()).toBe('app://varsync/index.html');
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  // The same probes as the headless page's (e2e/security.e2e.test.ts), with a loopback server of
  // the test's own as the other origin: here what a request reaching it would prove is observable.
  it("stops injected scripts, another loopback origin's script and sending data away (the CSP in the window)", async () => {
    const foreign = await startForeignOrigin();
    try {
      const remote = `${foreign.origin}/remote.js?from=electron`;
      const outcome = await page.evaluate(injectScripts, remote);
      expect(outcome.ran).toEqual({
        inlineScript: false,
        inlineHandler: false,
        javascriptUrl: false,
        evalString: false,
        newFunction: false,
        remoteScript: false,
      });
      const refused = new Set(outcome.violations.map(({ directive, blocked }) => `${directive} ${blocked}`));
      expect(refused).toEqual(
        new Set(['script-src eval', 'script-src-attr inline', 'script-src-elem inline', `script-src-elem ${remote}`]),
      );
      const leak = await page.evaluate(sendToOtherOrigin, foreign.origin);
      expect(leak.fetchFailed).toBe(true);
      expect(new Set(leak.violations.map(({ directive }) => directive))).toEqual(
        new Set(['connect-src', 'img-src', 'form-action']),
      );
      expect(foreign.requests).toEqual([]);
      expect(page.url()).toBe('app://varsync/index.html');
    } finally {
      await foreign.close();
    }
  });

  it('refuses to leave app://varsync/ or open a window: window.open, links, a location change', async () => {
    const foreign = await startForeignOrigin();
    try {
      const attempts = await page.evaluate(tryToLeave, foreign.origin);
      expect(attempts).toEqual({ foreignWindowOpened: false, ownWindowOpened: false });
      // Refusals leave nothing to wait for: give the main process time to have done something if it were going to.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(foreign.requests).toEqual([]);
      expect(page.url()).toBe('app://varsync/index.html');
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
      // Still the app's page, still answering.
      expect(await status()).toMatchObject({ demo: true });
    } finally {
      await foreign.close();
    }
  });

  it('has a tray menu that follows the agent: pause, resume, sync now', async () => {
    await page.evaluate(() => (globalThis as unknown as PageGlobals).varsync.pause());
    await eventually(trayLabels, (labels) => labels.includes('Resume'));
    expect(await trayLabels()).toEqual(
      expect.arrayContaining(['Open', 'Sync now', 'Resume', 'Open logs folder', 'Quit']),
    );
    expect(await app.evaluate(() => (globalThis as { __trayProbe?: TrayProbe }).__trayProbe?.tooltip)).toMatch(
      /^Varsync: Paused \(demo\)\n\d+ pending/,
    );
    await clickTray('Resume');
    await eventually(status, (current) => !current.paused);
    await eventually(trayLabels, (labels) => labels.includes('Pause'));
    await clickTray('Sync now');
    await eventually(status, (current) => current.state === 'synced' && current.lastSyncAt !== null, 15_000);
  });

  it('hides to the tray when the window is closed, and opens again from the tray', async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    await eventually(mainWindow, (window) => window.count === 1 && !window.visible);
    expect(app.process().exitCode).toBeNull();
    await clickTray('Open');
    await eventually(mainWindow, (window) => window.count === 1 && window.visible);
  });

  it('quits from the tray', async () => {
    const closed = app.waitForEvent('close', { timeout: 30_000 });
    await clickTray('Quit');
    await closed;
  });
});
