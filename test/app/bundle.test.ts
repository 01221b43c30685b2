// The built main process (out/main/main.mjs, as Electron would load it) runs end to end in a
// child Node process, with the fake electron in place of the real one (no Electron binary can be
// downloaded here): the composition root starts the demo agent, the tray, the window, the IPC
// handlers and the protocol, follows the tray menu and a second launch, and quits cleanly.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOsMachineId } from '../../main/core/identity/hardware-id.js';
import { IPC_INVOKE } from '../../shared/ipc.js';
import { eventually, tempDir } from '../helpers/agent.js';
import type { ControlCommand } from './helpers/electron-in-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
// Its own build folder, so that it never races the Electron e2e spec's build of out/main.
const BUILD_DIR = join(ROOT, 'out', 'test', 'main');
const MAIN = join(BUILD_DIR, 'main.mjs');

interface Snapshot {
  name: string;
  userData: string;
  sandbox: boolean;
  privileged: Array<{ scheme: string; privileges: Record<string, boolean> }>;
  schemes: string[];
  ipcChannels: string[];
  loginItemSettings: unknown[];
  applicationMenuRoles: string[] | null;
  errors: Array<{ title: string; content: string }>;
  sessionFetches: string[];
  proxyConfig: { mode?: string; proxyRules?: string } | null;
  trays: Array<{ icon: string; iconFound: boolean; tooltip: string; menu: string[]; destroyed: boolean }>;
  windows: Array<{ visible: boolean; destroyed: boolean; url: string; webPreferences: Record<string, unknown> }>;
}

let child: ChildProcess;
let output = '';
let userData: string;
let dataDir: string;
const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
let nextId = 1;

function send<T = unknown>(command: ControlCommand): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    child.send({ id, command });
  });
}

const snapshot = () => send<Snapshot>({ type: 'snapshot' });
const exited = () =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
  );

beforeAll(async () => {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-electron.mjs'), BUILD_DIR], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(build.status, build.stderr).toBe(0);
  userData = tempDir('varsync-bundle-user-');
  dataDir = tempDir('varsync-bundle-data-');
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VARSYNC_')));
  // A Linux desktop with a tray (main/app/tray-host.ts asks the session bus with gdbus): its
  // StatusNotifier host is there, so closing the window hides it to the tray.
  const desktopTools = tempDir('varsync-bundle-desktop-');
  writeFileSync(join(desktopTools, 'gdbus'), '#!/bin/sh\necho "(true,)"\n', { mode: 0o755 });
  env.PATH = `${desktopTools}${delimiter}${env.PATH ?? ''}`;
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      pathToFileURL(join(ROOT, 'test', 'app', 'helpers', 'fake-electron-register.mjs')).href,
      MAIN,
      `--user-data-dir=${userData}`,
    ],
    { cwd: ROOT, env: { ...env, VARSYNC_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.on('exit', (code) => {
    for (const pending of waiting.values())
      pending.reject(new Error(`the app ended (${code})\n--- app output ---\n${output}`));
    waiting.clear();
  });
  child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) pending?.reject(new Error(message.error));
    else pending?.resolve(message.result);
  });
  await eventually(
    snapshot,
    (state) => state.trays.length === 1 && state.windows.some((window) => window.visible),
    15_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- app output ---\n${output}`);
  });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill();
    await exited();
  }
});

describe('the build', () => {
  it('keeps electron and the native better-sqlite3 outside the main bundle, and bundles the rest', () => {
    const main = readFileSync(MAIN, 'utf8');
    const imported = [...main.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]!);
    const packages = new Set(
      imported.filter((specifier) => !specifier.startsWith('node:') && !builtinModules.includes(specifier)),
    );
    expect([...packages].sort()).toEqual(['better-sqlite3', 'electron']);
    // CommonJS dependencies inside the bundle load only Node's own modules.
    const required = new Set([...main.matchAll(/__require\("([^"]+)"\)/g)].map((match) => match[1]!));
    expect([...required].filter((specifier) => !builtinModules.includes(specifier.replace(/^node:/, '')))).toEqual([]);
  });

  it('makes the preload one CommonJS file that loads nothing but electron (a sandboxed preload can load no files)', () => {
    const preload = readFileSync(join(BUILD_DIR, 'preload.cjs'), 'utf8');
    expect(preload).not.toMatch(/^import /m);
    expect([...new Set([...preload.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]))]).toEqual([
      'electron',
    ]);
    expect(preload).toContain('exposeInMainWorld("varsync"');
  });

  it('copies the tray icons next to the bundle', () => {
    for (const name of ['synced', 'syncing', 'pending', 'attention', 'paused']) {
      expect(existsSync(join(BUILD_DIR, 'tray', `${name}.png`)), name).toBe(true);
      expect(existsSync(join(BUILD_DIR, 'tray', `${name}@2x.png`)), name).toBe(true);
    }
  });
});

describe('the built main process', () => {
  it('starts as Varsync, in its own user-data folder, with the demo agent and the log file', async () => {
    const state = await snapshot();
    expect(state.name).toBe('Varsync');
    expect(state.userData).toBe(userData);
    expect(state.errors).toEqual([]);
    expect(output).toContain('DEMO MODE');
    expect(existsSync(join(userData, 'settings.json'))).toBe(true);
    expect(readFileSync(join(userData, 'logs', 'varsync.log'), 'utf8')).toMatch(
      /agent running \(pid \d+, data folder .*demo\)/,
    );
  });

  it("reaches the License API through the session's net.fetch (Chromium's proxy settings and trust store), with the system proxy", async () => {
    const state = await eventually(snapshot, (seen) =>
      seen.sessionFetches.some((url) => url.includes('/api/v4/track_device_variables')),
    );
    expect(state.proxyConfig).toEqual({ mode: 'system' });
    expect(readFileSync(join(userData, 'logs', 'varsync.log'), 'utf8')).toContain(
      "network: Chromium's network stack, proxy system (default)",
    );
  });

  it('sets up the secure protocol, sandbox, window and menu', async () => {
    const state = await snapshot();
    expect(state.sandbox).toBe(true);
    // Not Electron's default menu (Reload, Toggle Developer Tools): none here (Linux, Windows).
    if (process.platform !== 'darwin') expect(state.applicationMenuRoles).toBeNull();
    expect(state.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(state.schemes).toEqual(['app']);
    expect(state.windows).toHaveLength(1);
    // The page is told the OS's languages (the fake's app.getPreferredSystemLanguages()).
    expect(state.windows[0]!.url).toBe('app://varsync/index.html?lang=en-US');
    expect(state.windows[0]!.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(state.windows[0]!.webPreferences.preload).toBe(join(BUILD_DIR, 'preload.cjs'));
    expect(existsSync(state.windows[0]!.webPreferences.preload as string)).toBe(true);
    expect(await send({ type: 'navigate', url: 'https://evil.example/' })).toBe(false);
    expect(await send({ type: 'window-open', url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const traversal = await send<{ status: number; csp: string }>({
      type: 'fetch',
      url: 'app://varsync/..%2f..%2fpackage.json',
    });
    expect(traversal.status).toBe(404);
    expect(traversal.csp).toContain("default-src 'self'");
  });

  it('answers the app page over IPC, and nobody else', async () => {
    expect((await snapshot()).ipcChannels.sort()).toEqual(Object.keys(IPC_INVOKE).sort());
    const status = await send<{ demo: boolean; product: string; engine: { here: boolean } }>({
      type: 'invoke',
      channel: 'agent:get-status',
      args: [],
      from: 'app',
    });
    expect(status).toMatchObject({ demo: true, product: 'varsync-demo', engine: { here: true } });
    await expect(send({ type: 'invoke', channel: 'agent:get-status', args: [], from: 'foreign' })).rejects.toThrow(
      'refused: not a window of this app',
    );
    await expect(
      send({ type: 'invoke', channel: 'agent:retry-dead-letters', args: ['x'], from: 'app' }),
    ).rejects.toThrow('refused: bad arguments');
  });

  it('shows the state in the tray, and its menu works', async () => {
    const synced = await eventually(snapshot, (state) => state.trays[0]!.icon === 'synced.png', 10_000);
    expect(synced.trays[0]).toMatchObject({
      iconFound: true,
      menu: [
        'Synced (demo)',
        'Open',
        'Sync now',
        'Pause',
        // No 'Start at login': a run from a checkout never touches the login item (login-item.ts).
        'Open logs folder',
        'Log level',
        'Collect diagnostics...',
        'Quit',
      ],
    });
    expect(synced.trays[0]!.tooltip).toMatch(/^Varsync: Synced \(demo\)\n0 pending\nLast sync: \d/);

    await send({ type: 'tray-click', label: 'Pause' });
    const paused = await snapshot();
    expect(paused.trays[0]).toMatchObject({ icon: 'paused.png', menu: expect.arrayContaining(['Resume']) });
    await send({ type: 'tray-click', label: 'Resume' });
    await send({ type: 'tray-click', label: 'Sync now' });
    await eventually(snapshot, (state) => state.trays[0]!.icon === 'synced.png');
  });

  it('hides the window to the tray when closed, and opens it again from the tray', async () => {
    await send({ type: 'close-window' });
    expect((await snapshot()).windows[0]).toMatchObject({ visible: false, destroyed: false });
    await send({ type: 'tray-click', label: 'Open' });
    expect((await snapshot()).windows[0]).toMatchObject({ visible: true, destroyed: false });
  });

  it("queues a second launch's --set arguments", async () => {
    await send({
      type: 'second-instance',
      argv: ['/opt/Varsync/varsync', '--set', 'from.installer=yes', '--set', 'seats:=5'],
    });
    const variables = await send<Array<{ name: string; value: unknown }>>({
      type: 'invoke',
      channel: 'agent:get-variables',
      args: [],
      from: 'app',
    });
    expect(variables).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'from.installer', value: 'yes' }),
        expect.objectContaining({ name: 'seats', value: 5 }),
      ]),
    );
  });

  it('logs a rejected promise nobody awaited, redacted, says so once, and keeps running', async () => {
    const machineId = readOsMachineId()!;
    await send({ type: 'reject-unawaited', message: `lost while handling ${machineId}` });
    const state = await eventually(snapshot, (now) => now.errors.length > 0, 10_000);
    expect(state.errors).toEqual([
      {
        title: 'Varsync ran into a problem',
        content: expect.stringMatching(/^Varsync ran into an unexpected error and keeps running\./),
      },
    ]);
    // The log's echo comes through the child's stdout, which may arrive after the control answer.
    const logged = /error unexpected error \(it keeps running\): Error: lost while handling \[redacted\]/;
    await eventually(
      () => output,
      (text) => logged.test(text),
      10_000,
    );
    expect(output).not.toContain(machineId);
    expect(state.trays[0]!.destroyed).toBe(false);
  });

  it('quits from the tray: stops the agent and ends the process', async () => {
    await send({ type: 'tray-click', label: 'Quit' });
    expect(await exited()).toBe(0);
    expect(readFileSync(join(userData, 'logs', 'varsync.log'), 'utf8')).toContain('quitting: stopping the agent');
  });
});
