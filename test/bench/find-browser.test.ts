// The browser for the e2e specs and the render benchmark: found the way people have one, or one
// line saying how to get one.
import { join, win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBrowser, HOW_TO_GET_A_BROWSER, type BrowserSearchOptions } from '../../bench/lib/find-browser.js';

/** A machine with exactly these files. */
const machine = (files: string[], extra: BrowserSearchOptions = {}): BrowserSearchOptions => ({
  env: {},
  home: '/home/u',
  exists: (path) => files.includes(path),
  playwrightChromium: () => '/home/u/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome',
  platform: 'linux',
  ...extra,
});

describe('finding a browser', () => {
  it('takes the one CHROME_PATH names, and says so when it is not there', () => {
    const mine = '/opt/chrome/chrome';
    expect(findBrowser(machine([mine, '/usr/bin/chromium'], { env: { CHROME_PATH: mine } }))).toEqual({
      path: mine,
      source: 'CHROME_PATH',
    });
    expect(findBrowser(machine(['/usr/bin/chromium'], { env: { CHROME_PATH: mine } }))).toEqual({
      problem: `CHROME_PATH names ${mine}, which does not exist; ${HOW_TO_GET_A_BROWSER}`,
    });
  });

  it("prefers Playwright's Chromium when it is installed, then the system's", () => {
    const playwright = '/home/u/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';
    expect(findBrowser(machine([playwright, '/usr/bin/chromium']))).toEqual({ path: playwright, source: 'Playwright' });
    expect(findBrowser(machine(['/usr/bin/chromium']))).toEqual({ path: '/usr/bin/chromium', source: 'system' });
    expect(
      findBrowser(
        machine(['/usr/bin/google-chrome-stable'], {
          playwrightChromium: () => {
            throw new Error('unsupported');
          },
        }),
      ),
    ).toEqual({
      path: '/usr/bin/google-chrome-stable',
      source: 'system',
    });
  });

  it('knows the usual places on macOS and Windows (where Edge is always there)', () => {
    const chrome = join('/Applications', 'Google Chrome.app', 'Contents', 'MacOS', 'Google Chrome');
    expect(findBrowser(machine([chrome], { platform: 'darwin' }))).toMatchObject({ path: chrome });
    const userChromium = join('/home/u/Applications', 'Chromium.app', 'Contents', 'MacOS', 'Chromium');
    expect(findBrowser(machine([userChromium], { platform: 'darwin' }))).toMatchObject({ path: userChromium });
    const env = {
      LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local',
      ProgramFiles: 'C:\\Program Files',
      'ProgramFiles(x86)': 'C:\\Program Files (x86)',
    };
    const edge = win32.join('C:\\Program Files (x86)', 'Microsoft', 'Edge', 'Application', 'msedge.exe');
    const userChrome = win32.join(env.LOCALAPPDATA, 'Google', 'Chrome', 'Application', 'chrome.exe');
    expect(findBrowser(machine([edge], { platform: 'win32', env }))).toMatchObject({ path: edge });
    expect(findBrowser(machine([edge, userChrome], { platform: 'win32', env }))).toMatchObject({ path: userChrome });
  });

  it('with none, says in one line how to get one', () => {
    const none = findBrowser(machine([]));
    expect(none).toEqual({ problem: `no Chrome or Chromium found: ${HOW_TO_GET_A_BROWSER}` });
    expect('problem' in none && none.problem).not.toContain('\n');
    expect(HOW_TO_GET_A_BROWSER).toMatch(/apt-get install chromium.*npx playwright-core install chromium.*CHROME_PATH/);
  });
});
