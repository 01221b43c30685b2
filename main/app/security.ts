// Security by default (Electron's security checklist): one way to create windows, with isolated,
// sandboxed renderers and no Node; the app's own origin (app://varsync) as the only page; no
// navigation, new windows, webviews or permissions (but copying text); external links only to an
// allow-list; and the check every IPC handler makes of its sender.
import {
  app,
  BrowserWindow,
  protocol,
  shell,
  type BrowserWindowConstructorOptions,
  type IpcMainInvokeEvent,
  type Session,
  type WebContents,
  type WebPreferences,
} from 'electron';
import type { Logger } from '../core/log.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'varsync';
/** Every page of the app starts with this; nothing else may talk to the main process. */
export const APP_ORIGIN_PREFIX = `${APP_SCHEME}://${APP_HOST}/`;
export const APP_START_URL = `${APP_ORIGIN_PREFIX}index.html`;

/** The only https hosts a link may open (in the user's browser, never in the app). */
export const EXTERNAL_HOSTS = new Set(['licensespring.com', 'docs.licensespring.com', 'www.licensespring.com']);

export function secureWebPreferences(preload?: string): WebPreferences {
  return {
    ...(preload ? { preload } : {}),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Renderers this app created; the only ones whose IPC calls are answered. */
const appWebContents = new WeakSet<WebContents>();

/** The one way the shell makes a window: secure preferences, whatever else the caller asks. */
export function createSecureWindow(options: BrowserWindowConstructorOptions, preload?: string): BrowserWindow {
  const window = new BrowserWindow({ ...options, webPreferences: secureWebPreferences(preload) });
  appWebContents.add(window.webContents);
  return window;
}

/** Why an IPC call must be refused, or undefined: it must come from the main frame of our window, on our origin. */
export function senderProblem(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): string | undefined {
  if (!appWebContents.has(event.sender)) return 'not a window of this app';
  const frame = event.senderFrame;
  if (!frame) return 'the frame is gone';
  const main = event.sender.mainFrame;
  if (frame.parent !== null || frame.processId !== main.processId || frame.routingId !== main.routingId)
    return 'not the main frame';
  if (!frame.url.startsWith(APP_ORIGIN_PREFIX)) return `not the app's page (${describeUrl(frame.url)})`;
  return undefined;
}

/**
 * Before ready: app:// behaves like https (standard, secure, fetch) so the strict CSP and same-origin
 * rules apply; and keeps V8's code cache as http(s) does (off by default for a custom scheme), so
 * that the window's script is not compiled from scratch every time it opens.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
  app.enableSandbox();
}

/** Every web contents, ours or not, is held to the same rules as soon as it exists. */
export function setupWebContentsSecurity(log: Logger): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
}

export function hardenWebContents(contents: WebContents, log: Logger): void {
  contents.on('will-navigate', (event) => {
    if (event.url.startsWith(APP_ORIGIN_PREFIX)) return;
    event.preventDefault();
    openExternalIfAllowed(event.url, log);
  });
  contents.on('will-redirect', (event) => {
    if (event.url.startsWith(APP_ORIGIN_PREFIX)) return;
    event.preventDefault();
    log.warn(`refused a redirect to ${describeUrl(event.url)}`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfAllowed(url, log);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('refused to attach a webview');
  });
}

/**
 * The one permission granted: writing text to the clipboard ('clipboard-sanitized-write', what
 * Chromium checks for navigator.clipboard.writeText, the window's Copy buttons), and only to our
 * window's main frame on our origin. Reading the clipboard stays refused.
 */
const CLIPBOARD_WRITE = 'clipboard-sanitized-write';

function isAppClipboardWrite(
  contents: WebContents | null,
  permission: string,
  details: { isMainFrame: boolean; requestingUrl?: string },
): boolean {
  return (
    permission === CLIPBOARD_WRITE &&
    contents !== null &&
    appWebContents.has(contents) &&
    details.isMainFrame &&
    (details.requestingUrl ?? '').startsWith(APP_ORIGIN_PREFIX)
  );
}

/** No camera, microphone, notifications, geolocation, USB, HID, serial... for anyone; the app's page may copy. */
export function restrictPermissions(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    if (isAppClipboardWrite(contents, permission, details)) return callback(true);
    log.warn(`refused a permission request (${permission})`);
    callback(false);
  });
  session.setPermissionCheckHandler((contents, permission, _origin, details) =>
    isAppClipboardWrite(contents, permission, details),
  );
  session.setDevicePermissionHandler(() => false);
}

export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === '' &&
    EXTERNAL_HOSTS.has(parsed.hostname)
  );
}

/** Open an allow-listed https link in the user's browser; refuse (and log) anything else. */
export function openExternalIfAllowed(url: string, log: Logger): boolean {
  if (!isAllowedExternalUrl(url)) {
    log.warn(`refused to open ${describeUrl(url)}`);
    return false;
  }
  void shell.openExternal(url).catch((error: Error) => log.warn(`could not open ${url}: ${error.message}`));
  return true;
}

/** A URL for the log: scheme, host and path only (a query may hold something private). */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`.slice(0, 200);
  } catch {
    return 'an invalid URL';
  }
}
