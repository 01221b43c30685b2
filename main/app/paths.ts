// Where the shell's files are and what the app calls itself. Everything the shell loads is found
// next to its own bundle (out/main/main.mjs), so the same code runs from a checkout
// (`electron out/main/main.mjs`) and from the packaged app.asar.
import { app } from 'electron';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PRODUCT_NAME = 'Varsync';
/** Matches electron-builder.yml's appId (Windows groups notifications and taskbar entries by it). */
export const APP_USER_MODEL_ID = 'com.varsync.agent';

export interface AppPaths {
  /** The sandboxed preload, CommonJS (scripts/build-electron.mjs). */
  preload: string;
  /** The built renderer, served as app://varsync/ and nothing else. */
  rendererDir: string;
  /** The tray icons (copied from assets/tray by the build). */
  trayIconsDir: string;
  /**
   * A better-sqlite3 binary built for Electron's ABI, for running from a checkout where
   * node_modules holds Node's build (the tests need that one). Installers rebuild in place instead.
   */
  sqliteForElectron: string;
}

/** The shell's files, given the folder its bundle runs from (out/main). */
export function appPaths(bundleDir: string): AppPaths {
  return {
    preload: join(bundleDir, 'preload.cjs'),
    rendererDir: join(bundleDir, '..', 'renderer'),
    trayIconsDir: join(bundleDir, 'tray'),
    sqliteForElectron: join(bundleDir, '..', 'native', 'electron', 'better_sqlite3.node'),
  };
}

/**
 * The same name and user-data folder from a checkout as from the installer (Electron would say
 * "Electron" when started on a bare script), and `--user-data-dir=DIR` to run a separate
 * instance (tests, support). Must run before anything reads a path or takes the instance lock.
 * app.setPath refuses a relative path ("Path must be absolute") and a folder that does not exist
 * (electron.d.ts, App.setPath), which would stop start-up before any window could say so: DIR is
 * taken from the working directory, as a shell user means it, and created.
 */
export function setupAppIdentity(): void {
  app.setName(PRODUCT_NAME);
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  const userDataDir = app.commandLine.getSwitchValue('user-data-dir');
  if (userDataDir) {
    const absolute = resolve(userDataDir);
    mkdirSync(absolute, { recursive: true });
    app.setPath('userData', absolute);
  }
}
