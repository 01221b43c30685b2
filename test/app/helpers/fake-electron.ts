// A stand-in for the `electron` module: the main-process and preload APIs the shell uses, keeping
// what was asked of them (handlers, menus, tooltips, windows) so tests can look and act. Unit
// tests use it through vi.mock('electron', ...); test/app/bundle.test.ts loads it in place of
// electron under the built out/main/main.mjs. It never loads the real electron package (which
// would try to download a binary).
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fetchOverVerifiedTls } from './fake-chromium-tls.js';

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
  [key: string]: unknown;
}

export function fakeEvent(extra: Record<string, unknown> = {}): FakeEvent {
  const event: FakeEvent = {
    ...extra,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class FakeWebFrame {
  constructor(
    public url: string,
    readonly processId: number,
    readonly routingId: number,
    readonly parent: FakeWebFrame | null = null,
  ) {}

  /** A child frame (an iframe) of this one. */
  child(url: string): FakeWebFrame {
    return new FakeWebFrame(url, this.processId, this.routingId + 100, this);
  }
}

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame = new FakeWebFrame('about:blank', this.id, 1);
  /** What was sent to the page: the channel, then its arguments. */
  readonly sent: Array<[string, ...unknown[]]> = [];
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  async loadURL(url: string): Promise<void> {
    this.mainFrame.url = url;
  }

  getURL(): string {
    return this.mainFrame.url;
  }

  /** What a page's navigation attempt meets: true if it was let through. */
  navigate(url: string): boolean {
    const event = fakeEvent({ url });
    this.emit('will-navigate', event, url);
    if (!event.defaultPrevented) this.mainFrame.url = url;
    return !event.defaultPrevented;
  }

  /**
   * The page calling navigator.clipboard.writeText, as Chromium answers it in Electron: it checks
   * the 'clipboard-sanitized-write' permission and, refused, requests it ("Most web APIs do a
   * permission check and then make a permission request if the check is denied", electron.d.ts,
   * Session.setPermissionCheckHandler); refused again, the promise rejects with NotAllowedError.
   */
  async clipboardWriteText(text: string, frame: FakeWebFrame = this.mainFrame): Promise<void> {
    const session = this.session;
    const details = { isMainFrame: frame.parent === null, requestingUrl: frame.url };
    const origin = new URL(frame.url).origin;
    let granted = session.permissionCheckHandler?.(this, 'clipboard-sanitized-write', origin, details) ?? true;
    if (!granted && session.permissionRequestHandler)
      granted = await new Promise<boolean>((done) =>
        session.permissionRequestHandler!(this, 'clipboard-sanitized-write', done, details),
      );
    if (!granted) throw new DOMException('Write permission denied.', 'NotAllowedError');
    clipboard.text = text;
  }

  /** Every web contents of the fake uses the default session. */
  get session(): FakeSession {
    return session.defaultSession;
  }

  /** An IPC event as main would receive it from `frame` (default: this page's main frame). */
  ipcEvent(frame: FakeWebFrame | null = this.mainFrame): { sender: FakeWebContents; senderFrame: FakeWebFrame | null } {
    return { sender: this, senderFrame: frame };
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];

  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((window) => !window.destroyed);
  }

  static fromWebContents(contents: unknown): FakeBrowserWindow | null {
    return FakeBrowserWindow.instances.find((window) => window.webContents === contents) ?? null;
  }

  readonly webContents = new FakeWebContents();
  bounds: Rectangle;
  visible = false;
  destroyed = false;
  minimized = false;
  focused = false;

  constructor(readonly options: Record<string, unknown> & Partial<Rectangle>) {
    super();
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    FakeBrowserWindow.instances.push(this);
    app.emit('web-contents-created', fakeEvent(), this.webContents);
  }

  async loadURL(url: string): Promise<void> {
    await this.webContents.loadURL(url);
    if (!this.destroyed) this.emit('ready-to-show');
  }

  show(): void {
    this.visible = true;
    this.emit('show');
  }

  hide(): void {
    this.visible = false;
    this.emit('hide');
  }

  focus(): void {
    this.focused = true;
  }

  minimize(): void {
    this.minimized = true;
    this.emit('minimize');
  }

  restore(): void {
    this.minimized = false;
  }

  isVisible(): boolean {
    return this.visible;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  getNormalBounds(): Rectangle {
    return { ...this.bounds };
  }

  /** The user (or the OS) closing the window. */
  close(): void {
    const event = fakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

/**
 * Windows ending the session (shutdown, restart, log-off) as Electron reports it: 'session-end' on
 * every window ("Emitted when a session is about to end due to a shutdown, machine restart, or
 * user log-off. Once this event fires, there is no way to prevent the session from ending",
 * electron.d.ts, BrowserWindow, win32), and no before-quit or will-quit: the process is ended
 * when the handlers return.
 */
export function endWindowsSession(reasons: string[] = ['shutdown']): void {
  for (const window of FakeBrowserWindow.getAllWindows()) window.emit('session-end', fakeEvent({ reasons }));
  app.sessionEnded = true;
  if (app.exitProcessOnQuit) process.exit(0);
}

export interface FakeImage {
  path: string;
  isEmpty(): boolean;
}

export const nativeImage = {
  createFromPath: (path: string): FakeImage => ({ path, isEmpty: () => !existsSync(path) }),
};

export interface FakeMenuItem {
  label?: string;
  role?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  submenu?: FakeMenuItem[];
  click?: (item: { checked: boolean }, window: undefined, event: object) => void;
}

export class FakeMenu {
  /**
   * The application menu. electron.d.ts, Menu.setApplicationMenu: "The default menu will be
   * created automatically if the app does not set one. It contains standard items such as `File`,
   * `Edit`, `View`, and `Window`" (View holds Reload, Force Reload, Toggle Developer Tools).
   */
  static applicationMenu: FakeMenu | null = FakeMenu.defaultMenu();

  static defaultMenu(): FakeMenu {
    return new FakeMenu([
      { label: 'File', submenu: [{ role: 'quit' }] },
      { label: 'Edit', submenu: [{ role: 'copy' }, { role: 'paste' }] },
      { label: 'View', submenu: [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }] },
      { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'close' }] },
    ]);
  }

  static setApplicationMenu(menu: FakeMenu | null): void {
    FakeMenu.applicationMenu = menu;
  }

  static getApplicationMenu(): FakeMenu | null {
    return FakeMenu.applicationMenu;
  }

  /** Every role anywhere in the menu. */
  get roles(): string[] {
    const walk = (items: FakeMenuItem[]): string[] =>
      items.flatMap((item) => [...(item.role ? [item.role] : []), ...walk(item.submenu ?? [])]);
    return walk(this.items);
  }

  constructor(readonly items: FakeMenuItem[]) {}

  static buildFromTemplate(template: FakeMenuItem[]): FakeMenu {
    return new FakeMenu(template);
  }

  get labels(): string[] {
    return this.items.filter((item) => item.type !== 'separator').map((item) => item.label ?? '');
  }

  item(label: string): FakeMenuItem {
    const found = this.items.find((item) => item.label === label);
    if (!found) throw new Error(`no menu item "${label}" in ${JSON.stringify(this.labels)}`);
    return found;
  }

  /** Click as Electron does: a checkbox is toggled, a radio item checked, before its click handler runs. `click('Log level', 'Debug')` clicks in a submenu. */
  click(label: string, ...path: string[]): void {
    if (path.length > 0) return new FakeMenu(this.item(label).submenu ?? []).click(path[0]!, ...path.slice(1));
    const item = this.item(label);
    if (item.enabled === false) throw new Error(`menu item "${label}" is disabled`);
    item.click?.(
      { checked: item.type === 'checkbox' ? !item.checked : item.type === 'radio' || Boolean(item.checked) },
      undefined,
      {},
    );
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  tooltip = '';
  menu: FakeMenu | undefined;
  destroyed = false;

  constructor(public image: FakeImage) {
    super();
    FakeTray.instances.push(this);
  }

  setImage(image: FakeImage): void {
    this.image = image;
  }

  setToolTip(text: string): void {
    this.tooltip = text;
  }

  setContextMenu(menu: FakeMenu): void {
    this.menu = menu;
  }

  destroy(): void {
    this.destroyed = true;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  name = 'varsync';
  paths: Record<string, string> = {};
  lockGranted = true;
  lockData: unknown[] = [];
  loginItemSettings: Array<Record<string, unknown>> = [];
  /**
   * What Windows keeps of login items, as Electron writes it: HKCU\...\Run\NAME (the command) and
   * HKCU\...\Explorer\StartupApproved\Run\NAME (absent or enabled unless the user disabled the
   * item in Task Manager or Settings). electron.d.ts, Settings: `name` "Defaults to the app's
   * AppUserModelId()"; `enabled` "`true` will change the startup approved registry key and
   * `enable / disable` the App in Task Manager and Windows Settings. Defaults to `true`."
   */
  readonly windowsStartup = { run: new Map<string, string>(), disabled: new Set<string>() };
  appUserModelId = 'electron.app.Electron';
  /** What the OS's language settings say (getPreferredSystemLanguages) and Chromium's locale (getLocale). */
  systemLanguages: string[] = ['en-US'];
  locale = 'en-US';
  wasOpenedAtLogin = false;
  sandboxEnabled = false;
  quitRequests = 0;
  quitted = false;
  /** Windows ended the session (endWindowsSession): the process is gone, whatever still ran. */
  sessionEnded = false;
  exitCode: number | undefined;
  /** The bundle test's child process ends when the app does. */
  exitProcessOnQuit = false;
  readonly commandLine = {
    getSwitchValue: (name: string): string => {
      const prefix = `--${name}=`;
      return process.argv.find((argument) => argument.startsWith(prefix))?.slice(prefix.length) ?? '';
    },
    hasSwitch: (name: string): boolean =>
      process.argv.some((argument) => argument === `--${name}` || argument.startsWith(`--${name}=`)),
  };

  getPath(name: string): string {
    const userData = this.paths.userData ?? join(tmpdir(), 'varsync-fake-electron');
    if (name === 'userData') return userData;
    return this.paths[name] ?? join(userData, name);
  }

  /**
   * Like Electron: "If the path specifies a directory that does not exist, an `Error` is thrown"
   * (electron.d.ts, App.setPath), and a relative path is refused (electron_api_app.cc, App::SetPath).
   */
  setPath(name: string, path: string): void {
    if (!isAbsolute(path)) throw new Error('Path must be absolute');
    if (name !== 'exe' && name !== 'module' && !existsSync(path)) throw new Error('Failed to set path');
    this.paths[name] = path;
  }

  /** Electron: sets what getPath('logs') answers. */
  setAppLogsPath(path: string): void {
    this.paths.logs = path;
  }

  setName(name: string): void {
    this.name = name;
  }

  getName(): string {
    return this.name;
  }

  getVersion(): string {
    return '0.0.0-test';
  }

  getPreferredSystemLanguages(): string[] {
    return [...this.systemLanguages];
  }

  getLocale(): string {
    return this.locale;
  }

  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }

  enableSandbox(): void {
    this.sandboxEnabled = true;
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  requestSingleInstanceLock(additionalData?: unknown): boolean {
    this.lockData.push(additionalData);
    return this.lockGranted;
  }

  setLoginItemSettings(settings: Record<string, unknown>): void {
    this.loginItemSettings.push(settings);
    const name = (settings.name as string | undefined) ?? this.appUserModelId;
    const { run, disabled } = this.windowsStartup;
    if (settings.openAtLogin) {
      run.set(name, [process.execPath, ...((settings.args as string[] | undefined) ?? [])].join(' '));
      if (settings.enabled ?? true) disabled.delete(name);
      else disabled.add(name);
    } else {
      run.delete(name);
      disabled.delete(name);
    }
  }

  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return {
      openAtLogin: Boolean(this.loginItemSettings.at(-1)?.openAtLogin),
      wasOpenedAtLogin: this.wasOpenedAtLogin,
    };
  }

  /** Like Electron: before-quit, close every window (any may refuse), will-quit (may be deferred), quit. */
  quit(): void {
    this.quitRequests++;
    const before = fakeEvent();
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    for (const window of FakeBrowserWindow.getAllWindows()) {
      window.close();
      if (!window.destroyed) return;
    }
    const willQuit = fakeEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    this.quitted = true;
    this.emit('quit', fakeEvent(), 0);
    if (this.exitProcessOnQuit) setImmediate(() => process.exit(0));
  }

  exit(code = 0): void {
    this.exitCode = code;
    if (this.exitProcessOnQuit) setImmediate(() => process.exit(code));
  }
}

export const app = new FakeApp();

type Handler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();

  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** Call a channel's handler as Electron would for an invoke from `event`'s sender. */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

export const ipcMain = new FakeIpcMain();

class FakeIpcRenderer extends EventEmitter {
  readonly invoked: Array<{ channel: string; args: unknown[] }> = [];

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return Promise.resolve(`answer from ${channel}`);
  }
}

export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = {
  exposed: {} as Record<string, unknown>,
  exposeInMainWorld(key: string, api: unknown): void {
    contextBridge.exposed[key] = api;
  },
};

type RequestHandler = (request: Request) => Promise<Response> | Response;

export const protocol = {
  privileged: [] as Array<{ scheme: string; privileges?: Record<string, boolean> }>,
  handlers: new Map<string, RequestHandler>(),
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges?: Record<string, boolean> }>): void {
    protocol.privileged.push(...schemes);
  },
  handle(scheme: string, handler: RequestHandler): void {
    protocol.handlers.set(scheme, handler);
  },
};

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details?: unknown,
) => void;

export class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | undefined;
  devicePermissionHandler: ((...args: unknown[]) => boolean) | undefined;

  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
    this.permissionCheckHandler = handler;
  }

  setDevicePermissionHandler(handler: (...args: unknown[]) => boolean): void {
    this.devicePermissionHandler = handler;
  }

  // Network: electron.d.ts `Session.setProxy(config: ProxyConfig): Promise<void>`,
  // `resolveProxy(url: string): Promise<string>` (a PAC-style answer: "DIRECT", "PROXY host:port"),
  // `fetch(input, init)`: net.fetch through this session. The fake's fetch is Node's own fetch
  // (https: fake-chromium-tls.ts, which asks the certificate verify proc as Chromium does), or
  // rejects as Chromium's network stack does (an Error whose message is the net error name).
  proxyConfig: { mode?: string; proxyRules?: string } | undefined;
  readonly fetched: string[] = [];
  /** Net errors the next fetches reject with, in order (e.g. 'net::ERR_TUNNEL_CONNECTION_FAILED'). */
  readonly netErrors: string[] = [];

  /** electron.d.ts `setCertificateVerifyProc(proc)`: Chromium asks it for each certificate verification. */
  certificateVerifyProc: ((request: unknown, callback: (result: number) => void) => void) | null = null;

  setCertificateVerifyProc(proc: ((request: unknown, callback: (result: number) => void) => void) | null): void {
    this.certificateVerifyProc = proc;
  }

  async setProxy(config: { mode?: string; proxyRules?: string }): Promise<void> {
    this.proxyConfig = { ...config };
  }

  async resolveProxy(_url: string): Promise<string> {
    return this.proxyConfig?.mode === 'fixed_servers' ? `PROXY ${this.proxyConfig.proxyRules}` : 'DIRECT';
  }

  async fetch(input: string | Request, init?: RequestInit): Promise<Response> {
    this.fetched.push(typeof input === 'string' ? input : input.url);
    const failure = this.netErrors.shift();
    if (failure) throw new Error(failure);
    // HTTPS as Chromium verifies it, asking this session's certificate verify proc.
    if (new URL(typeof input === 'string' ? input : input.url).protocol === 'https:')
      return fetchOverVerifiedTls(input, init, this.certificateVerifyProc);
    return fetch(input, init);
  }
}

export const session = { defaultSession: new FakeSession() };

export const clipboard = { text: '' };

export const shell = {
  openedExternal: [] as string[],
  openedPaths: [] as string[],
  async openExternal(url: string): Promise<void> {
    shell.openedExternal.push(url);
  },
  async openPath(path: string): Promise<string> {
    shell.openedPaths.push(path);
    return '';
  },
  shownItems: [] as string[],
  showItemInFolder(path: string): void {
    shell.shownItems.push(path);
  },
};

export const powerMonitor = new EventEmitter();

export const net = {
  online: true,
  isOnline: (): boolean => net.online,
};

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays: () => screen.displays,
};

export const dialog = {
  errors: [] as Array<{ title: string; content: string }>,
  showErrorBox(title: string, content: string): void {
    dialog.errors.push({ title, content });
  },
  /** What the person picks in the next save dialogs (undefined: they cancel), and the options they were shown. */
  saveAnswers: [] as Array<string | undefined>,
  saveDialogs: [] as Array<Record<string, unknown>>,
  async showSaveDialog(options: Record<string, unknown>): Promise<{ canceled: boolean; filePath: string }> {
    dialog.saveDialogs.push(options);
    const filePath = dialog.saveAnswers.shift();
    return filePath === undefined ? { canceled: true, filePath: '' } : { canceled: false, filePath };
  },
};

/**
 * safeStorage on a machine with a keychain: the "ciphertext" never holds the text as such, and
 * names the key that made it. The synchronous calls still work but are deprecated in Electron 45
 * (electron.d.ts, SafeStorage: "**Deprecated:** Use `safeStorage.isAsyncEncryptionAvailable()`
 * instead", likewise encryptString and decryptString): they are counted, so tests can show the
 * app makes none. decryptStringAsync's `shouldReEncrypt` is true for data made with an older key
 * ("the key has been rotated or a new key is available"): rotateKey() makes a new one.
 */
export const safeStorage = {
  available: true,
  backend: 'gnome_libsecret',
  keyVersion: 1,
  deprecatedCalls: [] as string[],
  rotateKey(): void {
    safeStorage.keyVersion++;
  },
  seal(text: string): Buffer {
    const head = Buffer.from(`fake-safe:v${safeStorage.keyVersion}:`);
    return Buffer.concat([head, Buffer.from(text, 'utf8').map((byte) => byte ^ 0x5a)]);
  },
  open(data: Buffer): { result: string; shouldReEncrypt: boolean } {
    const match = /^fake-safe:v(\d+):/.exec(data.subarray(0, 24).toString('latin1'));
    if (!match) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    const result = Buffer.from(data.subarray(match[0].length).map((byte) => byte ^ 0x5a)).toString('utf8');
    return { result, shouldReEncrypt: Number(match[1]) < safeStorage.keyVersion };
  },
  isEncryptionAvailable: (): boolean => {
    safeStorage.deprecatedCalls.push('isEncryptionAvailable');
    return safeStorage.available;
  },
  encryptString: (text: string): Buffer => {
    safeStorage.deprecatedCalls.push('encryptString');
    return safeStorage.seal(text);
  },
  decryptString: (data: Buffer): string => {
    safeStorage.deprecatedCalls.push('decryptString');
    return safeStorage.open(data).result;
  },
  isAsyncEncryptionAvailable: async (): Promise<boolean> => safeStorage.available,
  getSelectedStorageBackend: (): string => safeStorage.backend,
  encryptStringAsync: async (text: string): Promise<Buffer> => safeStorage.seal(text),
  decryptStringAsync: async (data: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> =>
    safeStorage.open(data),
};

export { FakeBrowserWindow as BrowserWindow, FakeMenu as Menu, FakeTray as Tray };

const electron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  Menu: FakeMenu,
  Tray: FakeTray,
  nativeImage,
  ipcMain,
  ipcRenderer,
  contextBridge,
  protocol,
  session,
  shell,
  powerMonitor,
  net,
  screen,
  dialog,
  safeStorage,
  clipboard,
};
export default electron;

/** Forget everything a previous test registered or recorded. */
export function resetFakeElectron(): void {
  app.removeAllListeners();
  Object.assign(app, {
    isPackaged: false,
    paths: {},
    lockGranted: true,
    lockData: [],
    loginItemSettings: [],
    appUserModelId: 'electron.app.Electron',
    systemLanguages: ['en-US'],
    locale: 'en-US',
    wasOpenedAtLogin: false,
    sandboxEnabled: false,
    quitRequests: 0,
    quitted: false,
    sessionEnded: false,
    exitCode: undefined,
  });
  app.windowsStartup.run.clear();
  app.windowsStartup.disabled.clear();
  FakeBrowserWindow.instances.length = 0;
  FakeTray.instances.length = 0;
  ipcMain.handlers.clear();
  ipcMain.removeAllListeners();
  ipcRenderer.removeAllListeners();
  ipcRenderer.invoked.length = 0;
  contextBridge.exposed = {};
  protocol.privileged.length = 0;
  protocol.handlers.clear();
  session.defaultSession = new FakeSession();
  clipboard.text = '';
  FakeMenu.applicationMenu = FakeMenu.defaultMenu();
  shell.openedExternal.length = 0;
  shell.openedPaths.length = 0;
  shell.shownItems.length = 0;
  powerMonitor.removeAllListeners();
  net.online = true;
  dialog.errors.length = 0;
  dialog.saveAnswers.length = 0;
  dialog.saveDialogs.length = 0;
  Object.assign(safeStorage, { available: true, backend: 'gnome_libsecret', keyVersion: 1, deprecatedCalls: [] });
}
