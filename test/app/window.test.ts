// The window: closing hides it to the tray; hidden for long, its renderer goes and comes back on
// open; its bounds are remembered.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_START_URL } from '../../main/app/security.js';
import type { WindowBounds } from '../../main/app/settings.js';
import { DESTROY_HIDDEN_AFTER_MS, MainWindow } from '../../main/app/window.js';
import { app, FakeBrowserWindow, resetFakeElectron, screen } from './helpers/fake-electron.js';
import { recordingLogger } from './helpers/logger.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

let settings: { windowBounds: WindowBounds | undefined };
let window: MainWindow;

const created = () => FakeBrowserWindow.instances;
const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  resetFakeElectron();
  settings = { windowBounds: undefined };
  window = new MainWindow({ preload: '/app/out/main/preload.cjs', bounds: settings, log: recordingLogger() });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the window', () => {
  it('opens the app page in a secure window, shown when ready', async () => {
    expect(window.exists).toBe(false);
    window.show();
    expect(created()).toHaveLength(1);
    const [browserWindow] = created();
    expect(browserWindow!.options).toMatchObject({
      show: false,
      title: 'Varsync',
      webPreferences: {
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        preload: '/app/out/main/preload.cjs',
      },
    });
    await flush();
    expect(browserWindow!.webContents.getURL()).toBe(APP_START_URL);
    expect(browserWindow!.visible).toBe(true);
    expect(window.contents).toBe(browserWindow!.webContents);
  });

  it('minimizes instead where no tray icon can be seen, since hidden it could not come back', async () => {
    let trayIconVisible = false;
    window = new MainWindow({
      preload: '/p.cjs',
      bounds: settings,
      log: recordingLogger(),
      trayIconVisible: () => trayIconVisible,
    });
    window.show();
    await flush();
    const [browserWindow] = created();
    browserWindow!.close();
    expect(browserWindow!.minimized).toBe(true);
    expect(browserWindow!.visible).toBe(true);
    await vi.advanceTimersByTimeAsync(DESTROY_HIDDEN_AFTER_MS * 2);
    expect(browserWindow!.destroyed).toBe(false);
    window.show();
    expect(browserWindow!.minimized).toBe(false);

    trayIconVisible = true; // the host came up (the answer arrived)
    browserWindow!.close();
    expect(browserWindow!.visible).toBe(false);
  });

  it('hides to the tray when closed, and the app keeps running', async () => {
    window.show();
    await flush();
    const [browserWindow] = created();
    browserWindow!.close();
    expect(browserWindow!.destroyed).toBe(false);
    expect(browserWindow!.visible).toBe(false);
    expect(app.quitted).toBe(false);
    window.show();
    expect(created()).toHaveLength(1);
    expect(browserWindow!.visible).toBe(true);
  });

  it('gives its renderer back after a while hidden, and makes a new one on open', async () => {
    window.show();
    await flush();
    const [first] = created();
    first!.close();
    await vi.advanceTimersByTimeAsync(DESTROY_HIDDEN_AFTER_MS - 1000);
    expect(first!.destroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(first!.destroyed).toBe(true);
    expect(window.exists).toBe(false);
    expect(window.contents).toBeUndefined();

    window.show();
    await flush();
    expect(created()).toHaveLength(2);
    expect(created()[1]!.visible).toBe(true);
  });

  it('keeps its renderer when opened again in time', async () => {
    window.show();
    await flush();
    const [first] = created();
    first!.close();
    await vi.advanceTimersByTimeAsync(DESTROY_HIDDEN_AFTER_MS / 2);
    window.show();
    await vi.advanceTimersByTimeAsync(DESTROY_HIDDEN_AFTER_MS * 2);
    expect(first!.destroyed).toBe(false);
    expect(first!.visible).toBe(true);
  });

  it('really closes when the app quits', async () => {
    window.show();
    await flush();
    app.quit();
    expect(created()[0]!.destroyed).toBe(true);
    expect(app.quitted).toBe(true);
  });

  it('remembers where it was', async () => {
    window.show();
    await flush();
    created()[0]!.bounds = { x: 200, y: 150, width: 1000, height: 700 };
    created()[0]!.close();
    expect(settings.windowBounds).toEqual({ x: 200, y: 150, width: 1000, height: 700 });
    await vi.advanceTimersByTimeAsync(DESTROY_HIDDEN_AFTER_MS);
    window.show();
    expect(created()[1]!.options).toMatchObject({ x: 200, y: 150, width: 1000, height: 700 });
  });

  it('forgets a place that is no longer on any screen', () => {
    settings.windowBounds = { x: 3000, y: 100, width: 800, height: 600 };
    screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
    window.show();
    expect(created()[0]!.options).not.toHaveProperty('x');
    expect(created()[0]!.options).toMatchObject({ width: 920, height: 640 });
  });

  it('opens from the Dock (macOS activate)', () => {
    app.emit('activate');
    expect(created()).toHaveLength(1);
  });
});
