// The window's "Test the connection" in the tray app: the self-test over IPC (agent:check-network)
// with `electron` mocked, a real HTTPS emulator with a private CA and a real tinyproxy asking for
// credentials. The proxy reported is the session's resolveProxy answer (as the app's transport
// uses it), the handshake goes through that proxy with the configured credentials and trusts
// caFile, and no credential reaches the page.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createCertificateAuthority,
  createServerCertificate,
  startEmulator,
  type Emulator,
} from '../../emulator/index.js';
import { createAgentService, setupIpc } from '../../main/app/ipc.js';
import { APP_START_URL, createSecureWindow } from '../../main/app/security.js';
import { silentLogger } from '../../main/core/log.js';
import type { AgentRuntime } from '../../main/core/runtime.js';
import { networkVerdict, type NetworkCheckView } from '../../shared/network-check.js';
import { startTinyproxy, type Tinyproxy } from '../net/helpers/tinyproxy.js';
import { startAppAgent } from './helpers/app-agent.js';
import { ipcMain, resetFakeElectron, type FakeBrowserWindow } from './helpers/fake-electron.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

const AUTH = { user: 'corpuser', password: 'Pr0xy-window-s3cret' };
let emulator: Emulator;
let caFile: string;
let guarded: Tinyproxy;
let running: AgentRuntime | undefined;
let removeHandlers: (() => void) | undefined;

beforeAll(async () => {
  const ca = createCertificateAuthority();
  caFile = ca.caFile;
  emulator = await startEmulator({ tls: createServerCertificate(ca) });
  guarded = await startTinyproxy({ auth: AUTH });
}, 30_000);
afterAll(async () => {
  await Promise.all([emulator?.close(), guarded?.close()]);
});
beforeEach(() => resetFakeElectron());
afterEach(async () => {
  removeHandlers?.();
  await running?.close();
  running = undefined;
});

/** The app's agent (the session's transport) with `env`, and the check asked for by the app's page. */
async function checkFromThePage(env: NodeJS.ProcessEnv): Promise<NetworkCheckView> {
  running = await startAppAgent(emulator.url, { VARSYNC_CA_FILE: caFile, ...env });
  removeHandlers = setupIpc(
    createAgentService(running.agent, async () => true),
    silentLogger,
  );
  const window = createSecureWindow({}, '/app/preload.cjs') as unknown as FakeBrowserWindow;
  await window.loadURL(APP_START_URL);
  return (await ipcMain.invoke('agent:check-network', window.webContents.ipcEvent())) as NetworkCheckView;
}

describe('the self-test over IPC in the tray app', () => {
  it("reports the session's proxy, tunnels through it with the configured credentials, shows the chain, leaks nothing", async () => {
    const proxy = `http://${AUTH.user}:${AUTH.password}@127.0.0.1:${guarded.port}`;
    const check = await checkFromThePage({ VARSYNC_PROXY: proxy });
    expect(check.apiUrl).toBe(emulator.apiBaseUrl);
    expect(check.proxy).toEqual({
      // As Chromium names it (resolveProxy): the credentials are never part of it.
      used: `http://127.0.0.1:${guarded.port}`,
      source: `proxy setting (env VARSYNC_PROXY): PROXY 127.0.0.1:${guarded.port}`,
    });
    expect(check.tcp).toMatchObject({ ok: true, to: `127.0.0.1:${guarded.port} (proxy)` });
    // Through the proxy that wants credentials: the CONNECT carried them, and caFile is trusted.
    expect(check.tls).toMatchObject({ ok: true, authorized: true });
    expect(check.tls!.chain[0]).toMatchObject({ subject: 'CN=127.0.0.1', issuer: 'CN=Varsync Emulator Test CA' });
    expect(guarded.requests().some((line) => line.includes('CONNECT'))).toBe(true);
    const text = JSON.stringify(check);
    expect(text).not.toContain(AUTH.password);
    expect(text).not.toContain(AUTH.user);
  });

  it('system: the OS settings as Chromium resolves them (DIRECT here), and the chain seen straight', async () => {
    const check = await checkFromThePage({});
    expect(check.proxy).toEqual({
      used: null,
      source: 'system (the OS proxy settings and PAC, as Chromium resolves them): DIRECT',
    });
    expect(check.dns).toMatchObject({ ok: true, host: '127.0.0.1', addresses: ['127.0.0.1'] });
    expect(check.tls).toMatchObject({ authorized: true });
    // The session's fetch trusted the private CA through caFile (the verify proc): the API answered.
    expect(check.wellKnown.ok).toBe(true);
    expect(networkVerdict(check)).toMatchObject({
      ok: true,
      reason: 'This device reaches the License API.',
      action: 'Nothing to do.',
    });
  });
});
