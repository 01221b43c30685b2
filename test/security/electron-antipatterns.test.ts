// The static check for Electron anti-patterns (scripts/electron-antipatterns.mjs, `npm run
// check:security`): the real main/ and renderer/ have none; a fixture tree with each anti-pattern
// in its own file has each one found, and nothing in the files that do it right; and breaking the
// real tree's own safeguards (in a copy) is caught.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findAntiPatterns, type Finding } from '../../scripts/electron-antipatterns.mjs';
import { tempDir } from '../helpers/agent.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'electron-antipatterns.mjs');

const runCheck = (...args: string[]) =>
  spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

/** The project's allow-list check, and openExternal used the ways it vouches for. */
const SECURITY_MODULE = `
import { shell } from 'electron';
export function isAllowedExternalUrl(url: string): boolean {
  return new URL(url).hostname === 'docs.licensespring.com';
}
export function openAfterEarlyReturn(url: string): boolean {
  if (!isAllowedExternalUrl(url)) {
    return false;
  }
  void shell.openExternal(url);
  return true;
}
export function openInsideIf(url: string): void {
  if (isAllowedExternalUrl(url) && url.length < 2000) void shell.openExternal(url);
}
export const openWithAnd = ({ url }: { url: string }) => isAllowedExternalUrl(url) && shell.openExternal(url);
export function openLater(url: string): void {
  if (!isAllowedExternalUrl(url)) throw new Error('refused');
  setTimeout(() => void shell.openExternal(url), 10);
}
`;

/** Files that do it right: no finding may come from them. */
const SAFE: Record<string, string> = {
  'main/app/security.ts': SECURITY_MODULE,
  'main/app/start.ts':
    "export const APP_ORIGIN = 'app://varsync/';\nexport const START_URL = `${APP_ORIGIN}index.html`;\n",
  'main/app/window.ts': `
import { BrowserWindow } from 'electron';
import { START_URL } from './start.js';
const ISOLATED = true;
export function open(url?: string): BrowserWindow {
  const window = new BrowserWindow({
    webPreferences: { contextIsolation: ISOLATED, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false },
  });
  void window.loadURL(url ?? START_URL);
  void window.loadURL('app://varsync/index.html#/variables');
  void window.loadFile('index.html');
  return window;
}
`,
  // Constants the anti-patterns below use from another file: harmless until used.
  'main/app/flags.ts': 'export const ISOLATE = false;\n',
  'main/app/remote-home.ts': "const HOST = 'attacker.test';\nexport const HOME = `http://${HOST}:${8080}/home`;\n",
  'main/app/logging-switch.ts': "import { app } from 'electron';\napp.commandLine.appendSwitch('enable-logging');\n",
  'renderer/safe.tsx': `
const calculator = { eval: (text: string) => text.length };
export const length = calculator.eval('1 + 1');
export const Frame = () => <iframe sandbox="allow-scripts" src="./help.html" />;
setTimeout(() => undefined, 10);
export const div = document.createElement('div');
`,
  'renderer/safe.html':
    '<!doctype html><script type="module" src="./assets/index.js"></script><link rel="stylesheet" href="./style.css">',
};

/** One anti-pattern per file, with the rule and message each must be found by. */
const BAD: Array<{ file: string; source: string; expected: Array<[Finding['rule'], RegExp]> }> = [
  {
    file: 'main/app/node-integration.ts',
    source: 'new BrowserWindow({ webPreferences: { nodeIntegration: true } });',
    expected: [['insecure-web-preference', /^nodeIntegration is true/]],
  },
  {
    file: 'main/app/node-in-frames.ts',
    source: 'export const prefs = { nodeIntegrationInSubFrames: true };',
    expected: [['insecure-web-preference', /^nodeIntegrationInSubFrames is true/]],
  },
  {
    file: 'main/app/context-isolation.ts',
    source: "export const prefs = { 'contextIsolation': false };",
    expected: [['insecure-web-preference', /^contextIsolation is false/]],
  },
  {
    file: 'main/app/sandbox.ts',
    source: 'export const prefs = { sandbox: false };',
    expected: [['insecure-web-preference', /^sandbox is false/]],
  },
  {
    file: 'main/app/web-security.ts',
    source: 'export const prefs = { webSecurity: false };',
    expected: [['insecure-web-preference', /^webSecurity is false/]],
  },
  {
    file: 'main/app/insecure-content.ts',
    source: 'export const prefs = { allowRunningInsecureContent: true };',
    expected: [['insecure-web-preference', /^allowRunningInsecureContent is true/]],
  },
  {
    file: 'main/app/remote-preference.ts',
    source: 'export const prefs = { enableRemoteModule: true };',
    expected: [['insecure-web-preference', /^enableRemoteModule is true/]],
  },
  {
    file: 'main/app/experimental.ts',
    source: 'export const prefs = { experimentalFeatures: true };',
    expected: [['insecure-web-preference', /^experimentalFeatures is true/]],
  },
  {
    file: 'main/app/webview-tag.ts',
    source: 'export const prefs = { webviewTag: true };',
    expected: [['insecure-web-preference', /^webviewTag is true/]],
  },
  {
    file: 'main/app/blink.ts',
    source: "export const prefs = { enableBlinkFeatures: 'CSSPseudoHas' };",
    expected: [['insecure-web-preference', /^enableBlinkFeatures/]],
  },
  {
    file: 'main/app/preference-set-later.ts',
    source:
      "const prefs: Record<string, unknown> = {};\nconst developing = process.argv.includes('--dev');\nprefs.nodeIntegration = developing;\n",
    expected: [['insecure-web-preference', /^nodeIntegration may be true/]],
  },
  {
    file: 'main/app/preference-from-constant.ts',
    source: "import { ISOLATE } from './flags.js';\nexport const prefs = { contextIsolation: ISOLATE };\n",
    expected: [['insecure-web-preference', /^contextIsolation is false/]],
  },
  {
    file: 'main/app/remote-import.ts',
    source: "import { initialize } from '@electron/remote/main';\ninitialize();\n",
    expected: [['remote-module', /@electron\/remote/]],
  },
  {
    file: 'main/preload/remote-member.ts',
    source: "import { remote } from 'electron';\nexport const win = remote.getCurrentWindow();\n",
    expected: [['remote-module', /remote module/]],
  },
  {
    file: 'main/app/open-raw.ts',
    source:
      "import { shell, type WebContents } from 'electron';\nexport const watch = (contents: WebContents) => contents.on('will-navigate', (event) => void shell.openExternal(event.url));\n",
    expected: [['unchecked-open-external', /isAllowedExternalUrl/]],
  },
  {
    file: 'main/app/open-other-check.ts',
    source:
      "import { shell } from 'electron';\nexport function open(url: string) {\n  if (url.startsWith('https://')) void shell.openExternal(url);\n}\n",
    expected: [['unchecked-open-external', /isAllowedExternalUrl/]],
  },
  {
    file: 'main/app/open-look-alike.ts',
    source:
      "import { shell } from 'electron';\nconst isAllowedExternalUrl = (_url: string) => true;\nexport function open(url: string) {\n  if (isAllowedExternalUrl(url)) void shell.openExternal(url);\n}\n",
    expected: [['unchecked-open-external', /isAllowedExternalUrl/]],
  },
  {
    file: 'main/app/open-no-exit.ts',
    source:
      "import { shell } from 'electron';\nimport { isAllowedExternalUrl } from './security.js';\nexport function open(url: string) {\n  if (!isAllowedExternalUrl(url)) console.warn('odd link');\n  void shell.openExternal(url);\n}\n",
    expected: [['unchecked-open-external', /isAllowedExternalUrl/]],
  },
  {
    file: 'main/app/open-reassigned.ts',
    source:
      "import { shell } from 'electron';\nimport { isAllowedExternalUrl } from './security.js';\nexport function open(url: string, next: string) {\n  if (!isAllowedExternalUrl(url)) return;\n  url = next;\n  void shell.openExternal(url);\n}\n",
    expected: [['unchecked-open-external', /isAllowedExternalUrl/]],
  },
  {
    file: 'main/app/open-other-variable.ts',
    source:
      "import { shell } from 'electron';\nimport { isAllowedExternalUrl } from './security.js';\nexport function open(url: string, other: string) {\n  if (isAllowedExternalUrl(url)) void shell.openExternal(other);\n}\n",
    expected: [['unchecked-open-external', /isAllowedExternalUrl/]],
  },
  {
    file: 'main/app/load-remote.ts',
    source: "import { BrowserWindow } from 'electron';\nvoid new BrowserWindow().loadURL('https://example.com/');\n",
    expected: [['remote-content', /loadURL of https:\/\/example\.com\//]],
  },
  {
    file: 'main/app/load-remote-constant.ts',
    source:
      "import { BrowserWindow } from 'electron';\nimport { HOME } from './remote-home.js';\nvoid new BrowserWindow().webContents.loadURL(HOME);\n",
    expected: [['remote-content', /loadURL of http:\/\/attacker\.test:8080\/home/]],
  },
  {
    file: 'main/app/load-dev-server.ts',
    source:
      "import { BrowserWindow } from 'electron';\nexport const show = (window: BrowserWindow, url?: string) => window.loadURL(url ?? `http://localhost:${process.env.PORT}/`);\n",
    expected: [['remote-content', /loadURL of http:\/\/localhost:/]],
  },
  {
    file: 'main/app/load-file-url.ts',
    source: "import { BrowserWindow } from 'electron';\nvoid new BrowserWindow().loadURL('file:///etc/passwd');\n",
    expected: [['remote-content', /loadURL of file:/]],
  },
  {
    file: 'renderer/webview.tsx',
    source: 'export const Help = () => <webview src="https://example.com/" />;',
    expected: [['webview', /<webview>/]],
  },
  {
    file: 'renderer/create-webview.ts',
    source: "document.body.append(document.createElement('WEBVIEW'));",
    expected: [['webview', /<webview>/]],
  },
  {
    file: 'renderer/index.html',
    source:
      '<!doctype html>\n<script src="https://cdn.example/lib.js"></script>\n<iframe src="//ads.example/"></iframe>\n<webview src="https://example.com/"></webview>\n',
    expected: [
      ['remote-content', /<script> loads https:\/\/cdn\.example\/lib\.js/],
      ['remote-content', /<iframe> loads \/\/ads\.example\//],
      ['webview', /<webview>/],
    ],
  },
  { file: 'renderer/eval.ts', source: "export const value = eval('1 + 1');", expected: [['string-eval', /^eval/]] },
  {
    file: 'renderer/global-eval.ts',
    source: "export const value = globalThis.eval('1 + 1');",
    expected: [['string-eval', /^eval/]],
  },
  {
    file: 'renderer/new-function.ts',
    source: "export const add = new Function('a', 'b', 'return a + b');",
    expected: [['string-eval', /^new Function/]],
  },
  {
    file: 'renderer/function-call.ts',
    source: "export const add = Function('return 1');",
    expected: [['string-eval', /^Function/]],
  },
  {
    file: 'renderer/string-timer.ts',
    source: "const code = 'refresh()';\nwindow.setTimeout(code, 1000);\n",
    expected: [['string-eval', /^setTimeout with a string/]],
  },
  {
    file: 'main/app/switches.ts',
    source: "import { app } from 'electron';\napp.commandLine.appendSwitch('disable-web-security');\n",
    expected: [['insecure-switch', /disable-web-security/]],
  },
];

describe('the Electron anti-pattern check', () => {
  it('finds none in the real main/ and renderer/, and says how much it read', () => {
    const result = runCheck();
    expect(result.stderr).toBe('');
    expect(result.status, result.stdout).toBe(0);
    const scanned = Number(
      /^No Electron anti-patterns in (\d+) files \(main\/, renderer\/\)\.$/m.exec(result.stdout)?.[1],
    );
    // main/ and renderer/ hold dozens of sources: a check that read nothing would say 0.
    expect(scanned).toBeGreaterThan(40);
  });

  describe('on a tree with each anti-pattern in its own file', () => {
    let root: string;
    let findings: Finding[];

    beforeAll(() => {
      root = tempDir('varsync-antipatterns-');
      // The fixture tree keeps the safe files in its own main/app: the check's allow-list is the project's.
      const files = { ...SAFE, ...Object.fromEntries(BAD.map(({ file, source }) => [file, source])) };
      for (const [file, source] of Object.entries(files)) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), source);
      }
      findings = findAntiPatterns({ root }).findings;
    });

    it.each(BAD.map((fixture) => [fixture.file, fixture] as const))('%s', (file, { expected }) => {
      const found = findings.filter((finding) => finding.file === file);
      expect(found.map(({ rule }) => rule)).toEqual(expected.map(([rule]) => rule));
      expected.forEach(([, message], index) => expect(found[index]!.message).toMatch(message));
      for (const finding of found) expect(finding.line).toBeGreaterThan(0);
    });

    it('finds nothing in the files that do it right (guarded openExternal, app:// loads, safe preferences)', () => {
      expect(findings.filter((finding) => finding.file in SAFE)).toEqual([]);
    });

    it('the command prints each finding with its place and exits 1', () => {
      const result = runCheck('--root', root);
      expect(result.status).toBe(1);
      const expectedCount = BAD.reduce((sum, fixture) => sum + fixture.expected.length, 0);
      expect(result.stdout).toContain(`${expectedCount} Electron anti-patterns in`);
      expect(result.stdout).toMatch(/^main\/app\/sandbox\.ts:1:\d+ {2}insecure-web-preference {2}sandbox is false/m);
      expect(result.stdout).toMatch(/^renderer\/eval\.ts:1:\d+ {2}string-eval/m);
    });
  });

  it("catches the real tree's own safeguards being undone (in a copy)", () => {
    const copy = tempDir('varsync-antipatterns-mutated-');
    for (const folder of ['main', 'renderer', 'shared'])
      cpSync(join(ROOT, folder), join(copy, folder), { recursive: true });
    const securityFile = join(copy, 'main', 'app', 'security.ts');
    const mutations: Array<[string, string]> = [
      ['    sandbox: true,', '    sandbox: false,'],
      ['    contextIsolation: true,', '    contextIsolation: false,'],
      ["export const APP_SCHEME = 'app';", "export const APP_SCHEME = 'https';"],
      ['if (!isAllowedExternalUrl(url)) {', 'if (url.length === 0) {'],
    ];
    let source = readFileSync(securityFile, 'utf8');
    for (const [from, to] of mutations) {
      expect(source, `main/app/security.ts no longer contains ${from}: update this test`).toContain(from);
      source = source.replace(from, to);
    }
    writeFileSync(securityFile, source);
    const found = findAntiPatterns({ root: copy }).findings.map(
      ({ file, rule, message }) => `${file} ${rule} ${message}`,
    );
    expect(found).toEqual([
      expect.stringMatching(/^main\/app\/security\.ts insecure-web-preference contextIsolation is false/),
      expect.stringMatching(/^main\/app\/security\.ts insecure-web-preference sandbox is false/),
      expect.stringMatching(/^main\/app\/security\.ts unchecked-open-external /),
      // The window loads APP_START_URL, built from APP_SCHEME in another file.
      expect.stringMatching(/^main\/app\/window\.ts remote-content loadURL of https:\/\/varsync\/index\.html/),
    ]);
  });
});
