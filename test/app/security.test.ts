// Security by default: windows are isolated and sandboxed whatever the caller asks; navigation,
// new windows, webviews and permissions (but the app page's copying) are refused; links open
// outside only from an allow-list; Electron's default menu (Reload, developer tools) is replaced.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  APP_START_URL,
  createSecureWindow,
  isAllowedExternalUrl,
  registerAppScheme,
  restrictPermissions,
  secureWebPreferences,
  setupWebContentsSecurity,
} from '../../main/app/security.js';
import { setupApplicationMenu } from '../../main/app/app-menu.js';
import {
  app,
  clipboard,
  fakeEvent,
  FakeMenu,
  FakeWebContents,
  protocol,
  resetFakeElectron,
  session,
  shell,
  type FakeBrowserWindow,
} from './helpers/fake-electron.js';
import { recordingLogger } from './helpers/logger.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

let log: ReturnType<typeof recordingLogger>;

beforeEach(() => {
  resetFakeElectron();
  log = recordingLogger();
});

describe('windows', () => {
  it('are isolated, sandboxed, without Node and with web security, whatever the caller asks', () => {
    const window = createSecureWindow(
      {
        width: 300,
        webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false },
      },
      '/app/out/main/preload.cjs',
    ) as unknown as FakeBrowserWindow;
    expect(window.options.width).toBe(300);
    expect(window.options.webPreferences).toEqual(secureWebPreferences('/app/out/main/preload.cjs'));
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/out/main/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('get the app:// scheme as a standard, secure origin with a code cache, and the sandbox for every renderer', () => {
    registerAppScheme();
    expect(protocol.privileged).toEqual([
      // codeCache works only on a standard scheme (Electron's CustomScheme).
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, codeCache: true }) },
    ]);
    expect(app.sandboxEnabled).toBe(true);
  });
});

describe('every web contents', () => {
  let contents: FakeWebContents;

  beforeEach(() => {
    setupWebContentsSecurity(log);
    contents = (createSecureWindow({}, '/preload.cjs') as unknown as FakeBrowserWindow).webContents;
    void contents.loadURL(APP_START_URL);
  });

  it('stays on the app: navigation elsewhere is refused', () => {
    for (const url of [
      'https://evil.example/',
      'http://localhost:8080/',
      'file:///etc/passwd',
      'app://other/index.html',
      'javascript:alert(1)',
    ]) {
      expect(contents.navigate(url), url).toBe(false);
    }
    expect(contents.getURL()).toBe(APP_START_URL);
    expect(contents.navigate('app://varsync/index.html#/variables')).toBe(true);
    expect(shell.openedExternal).toEqual([]);
  });

  it('opens an allow-listed https link in the browser instead of navigating to it', () => {
    expect(contents.navigate('https://docs.licensespring.com/license-api')).toBe(false);
    expect(shell.openedExternal).toEqual(['https://docs.licensespring.com/license-api']);
  });

  it('refuses redirects away from the app', () => {
    const event = fakeEvent({ url: 'https://evil.example/' });
    contents.emit('will-redirect', event, event.url);
    expect(event.defaultPrevented).toBe(true);
  });

  it('opens no new windows (allow-listed links go to the browser)', () => {
    const handler = contents.windowOpenHandler!;
    expect(handler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(handler({ url: APP_START_URL })).toEqual({ action: 'deny' });
    expect(handler({ url: 'https://docs.licensespring.com/' })).toEqual({ action: 'deny' });
    expect(shell.openedExternal).toEqual(['https://docs.licensespring.com/']);
    expect(log.lines).toContain('warn refused to open https://evil.example/');
  });

  it('attaches no webview', () => {
    const event = fakeEvent();
    contents.emit('will-attach-webview', event, { nodeIntegration: true }, { src: 'https://evil.example/' });
    expect(event.defaultPrevented).toBe(true);
  });

  it('holds also for web contents the app did not create', () => {
    const other = new FakeWebContents();
    app.emit('web-contents-created', fakeEvent(), other);
    expect(other.navigate('https://evil.example/')).toBe(false);
    expect(other.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('permissions', () => {
  it('are all refused, asked or checked', () => {
    restrictPermissions(session.defaultSession as never, log);
    const defaultSession = session.defaultSession;
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'hid',
      'serial',
      'fullscreen',
    ]) {
      const answer = vi.fn();
      defaultSession.permissionRequestHandler!({}, permission, answer);
      expect(answer, permission).toHaveBeenCalledWith(false);
      expect(defaultSession.permissionCheckHandler!({}, permission, APP_START_URL, {}), permission).toBe(false);
    }
    expect(defaultSession.devicePermissionHandler!({ deviceType: 'usb' })).toBe(false);
    expect(log.lines).toContain('warn refused a permission request (media)');
  });

  it("let the app's page copy text (its Copy buttons), and no other page or frame", async () => {
    restrictPermissions(session.defaultSession as never, log);
    const window = createSecureWindow({}, '/preload.cjs') as unknown as FakeBrowserWindow;
    await window.loadURL(APP_START_URL);
    await window.webContents.clipboardWriteText('device-1');
    expect(clipboard.text).toBe('device-1');

    const frame = window.webContents.mainFrame.child(APP_START_URL);
    await expect(window.webContents.clipboardWriteText('from a frame', frame)).rejects.toThrow(
      'Write permission denied',
    );
    const other = new FakeWebContents();
    other.mainFrame.url = 'https://evil.example/';
    await expect(other.clipboardWriteText('x')).rejects.toThrow('Write permission denied');
    expect(clipboard.text).toBe('device-1');
    expect(
      session.defaultSession.permissionCheckHandler!(window.webContents, 'clipboard-read', 'app://varsync', {
        isMainFrame: true,
        requestingUrl: APP_START_URL,
      }),
    ).toBe(false);
  });
});

describe('the application menu', () => {
  it('has nothing that reloads or opens the developer tools; Windows and Linux have none', () => {
    expect(FakeMenu.getApplicationMenu()!.roles).toContain('toggleDevTools'); // Electron's default
    setupApplicationMenu('linux');
    expect(FakeMenu.getApplicationMenu()).toBeNull();
    setupApplicationMenu('win32');
    expect(FakeMenu.getApplicationMenu()).toBeNull();
    setupApplicationMenu('darwin');
    const roles = FakeMenu.getApplicationMenu()!.roles;
    expect(roles).toEqual(expect.arrayContaining(['copy', 'paste', 'selectAll', 'quit']));
    for (const role of ['reload', 'forceReload', 'toggleDevTools', 'viewMenu']) expect(roles).not.toContain(role);
  });
});

describe('external links', () => {
  it.each([
    ['https://docs.licensespring.com/', true],
    ['https://licensespring.com/pricing?x=1', true],
    ['http://docs.licensespring.com/', false],
    ['https://docs.licensespring.com.evil.example/', false],
    ['https://evil.example/?https://docs.licensespring.com/', false],
    ['https://user:secret@docs.licensespring.com/', false],
    ['https://docs.licensespring.com:8443/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s -> %s', (url, allowed) => {
    expect(isAllowedExternalUrl(url)).toBe(allowed);
  });
});
