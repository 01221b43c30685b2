// Which Chrome or Chromium the e2e specs and the render benchmark drive, found the way a person has
// one: the one named by CHROME_PATH, else a Chromium that Playwright installed
// (`npx playwright-core install chromium`), else a Chrome, Chromium or Edge at the usual places of
// Linux, macOS and Windows. With none, one line says how to get one.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';
import { chromium } from 'playwright-core';

export const BROWSER_ENV = 'CHROME_PATH';

export const HOW_TO_GET_A_BROWSER =
  'install Chromium or Google Chrome (Debian/Ubuntu: apt-get install chromium), or run `npx playwright-core install chromium`, or set CHROME_PATH to a Chrome or Chromium executable';

export type BrowserSearch = { path: string; source: string } | { problem: string };

export interface BrowserSearchOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  exists?: (path: string) => boolean;
  /** Where Playwright keeps its Chromium (playwright-core's chromium.executablePath()). */
  playwrightChromium?: () => string;
}

/** The usual places, per OS, in order of preference. */
export function systemBrowserPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string[] {
  if (platform === 'darwin')
    return ['/Applications', join(home, 'Applications')].flatMap((dir) => [
      join(dir, 'Google Chrome.app', 'Contents', 'MacOS', 'Google Chrome'),
      join(dir, 'Chromium.app', 'Contents', 'MacOS', 'Chromium'),
      join(dir, 'Microsoft Edge.app', 'Contents', 'MacOS', 'Microsoft Edge'),
    ]);
  if (platform === 'win32') {
    const roots = [env.LOCALAPPDATA, env.ProgramFiles, env['ProgramFiles(x86)']].filter(
      (root): root is string => typeof root === 'string' && root !== '',
    );
    return [
      ...roots.map((root) => win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe')),
      ...roots.map((root) => win32.join(root, 'Chromium', 'Application', 'chrome.exe')),
      // Every Windows 10 and 11 has Edge, a Chromium.
      ...roots.map((root) => win32.join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe')),
    ];
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/usr/bin/microsoft-edge',
  ];
}

export function findBrowser(options: BrowserSearchOptions = {}): BrowserSearch {
  const env = options.env ?? process.env;
  const exists = options.exists ?? existsSync;
  const named = env[BROWSER_ENV];
  if (named) {
    return exists(named)
      ? { path: named, source: BROWSER_ENV }
      : { problem: `${BROWSER_ENV} names ${named}, which does not exist; ${HOW_TO_GET_A_BROWSER}` };
  }
  let playwright: string | undefined;
  try {
    playwright = (options.playwrightChromium ?? (() => chromium.executablePath()))();
  } catch {
    // playwright-core knows no Chromium build for this system.
  }
  if (playwright && exists(playwright)) return { path: playwright, source: 'Playwright' };
  const platform = options.platform ?? process.platform;
  const found = systemBrowserPaths(platform, env, options.home ?? homedir()).find((path) => exists(path));
  if (found) return { path: found, source: 'system' };
  return { problem: `no Chrome or Chromium found: ${HOW_TO_GET_A_BROWSER}` };
}
