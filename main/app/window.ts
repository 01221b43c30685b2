// The window: created on demand, shown from the tray. Closing it hides it (the agent keeps
// running in the tray); after a while hidden its renderer is destroyed to give the memory back,
// and the next "Open" creates it again. Where no tray icon can be seen (Linux without a
// StatusNotifier host), closing minimizes it instead. Its size and place are remembered in the user settings.
import { app, screen, type BrowserWindow, type Rectangle, type WebContents } from 'electron';
import type { Logger } from '../core/log.js';
import { createSecureWindow, APP_START_URL } from './security.js';
import type { WindowBounds } from './settings.js';

/** How long a hidden window keeps its renderer. */
export const DESTROY_HIDDEN_AFTER_MS = 5 * 60_000;
const DEFAULT_SIZE = { width: 920, height: 640 };

export interface MainWindowOptions {
  preload: string;
  /** Where the window's bounds are kept. */
  bounds: { windowBounds: WindowBounds | undefined };
  log: Logger;
  url?: string;
  destroyHiddenAfterMs?: number;
  /** Whether the tray icon can be seen (tray-host.ts); when not, closing minimizes the window, since hidden it could never come back. */
  trayIconVisible?: () => boolean;
}

export class MainWindow {
  private window: BrowserWindow | undefined;
  private destroyTimer: NodeJS.Timeout | undefined;
  private quitting = false;

  constructor(private readonly options: MainWindowOptions) {
    app.on('before-quit', () => {
      this.quitting = true;
    });
    // macOS: clicking the Dock icon opens the window too.
    app.on('activate', () => this.show());
  }

  /** The page, while the window exists. */
  get contents(): WebContents | undefined {
    return this.window?.webContents;
  }

  get exists(): boolean {
    return this.window !== undefined;
  }

  get visible(): boolean {
    return this.window?.isVisible() ?? false;
  }

  /** Show and focus the window, creating it if needed. */
  show(): void {
    clearTimeout(this.destroyTimer);
    const window = this.window;
    if (!window) {
      this.create();
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  }

  private create(): void {
    const window = createSecureWindow(
      {
        ...this.initialBounds(),
        minWidth: 480,
        minHeight: 360,
        show: false,
        title: 'Varsync',
        autoHideMenuBar: true,
        backgroundColor: '#ffffff',
      },
      this.options.preload,
    );
    this.window = window;
    window.once('ready-to-show', () => {
      window.show();
      window.focus();
    });
    window.on('close', (event) => {
      this.options.bounds.windowBounds = window.getNormalBounds();
      if (this.quitting) return;
      event.preventDefault();
      if (this.options.trayIconVisible?.() === false) {
        window.minimize();
        return;
      }
      window.hide();
      this.destroyLater(window);
    });
    window.on('closed', () => {
      clearTimeout(this.destroyTimer);
      if (this.window === window) this.window = undefined;
    });
    window.webContents.on('render-process-gone', (_event, details) =>
      this.options.log.error(`the window's renderer stopped (${details.reason})`),
    );
    window
      .loadURL(this.options.url ?? APP_START_URL)
      .catch((error: Error) => this.options.log.error(`the window could not load its page: ${error.message}`));
  }

  private destroyLater(window: BrowserWindow): void {
    clearTimeout(this.destroyTimer);
    this.destroyTimer = setTimeout(() => {
      if (!window.isDestroyed() && !window.isVisible()) window.destroy();
    }, this.options.destroyHiddenAfterMs ?? DESTROY_HIDDEN_AFTER_MS);
    this.destroyTimer.unref?.();
  }

  /** The remembered bounds if they are still on a screen (a monitor may have gone), else a default size. */
  private initialBounds(): Partial<Rectangle> {
    const saved = this.options.bounds.windowBounds;
    if (saved && screen.getAllDisplays().some((display) => overlaps(display.workArea, saved))) return saved;
    return DEFAULT_SIZE;
  }
}

function overlaps(area: Rectangle, bounds: Rectangle): boolean {
  const visibleWidth = Math.min(area.x + area.width, bounds.x + bounds.width) - Math.max(area.x, bounds.x);
  const visibleHeight = Math.min(area.y + area.height, bounds.y + bounds.height) - Math.max(area.y, bounds.y);
  // Enough of the title bar to grab it.
  return visibleWidth >= 100 && visibleHeight >= 50;
}
