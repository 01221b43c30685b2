// The tray app's network path, with `electron` mocked (no Electron binary here): the proxy
// setting is applied to the session (setProxy), resolveProxy is what the self-test reports, and
// the agent inside the app reaches the License API through the session's fetch (Chromium's
// network stack, so the OS trust store and proxy settings apply: issue 15's "extra root
// certificates cannot reach the tray app" is fixed by this path). Chromium's net errors are
// classified like Node's. The emulator is real; only Chromium is stood in for by Node's fetch.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentRuntime } from '../../main/core/runtime.js';
import { setupNetwork } from '../../main/app/network.js';
import { objectLayer, resolveConfig } from '../../main/core/config/resolve.js';
import { silentLogger } from '../../main/core/log.js';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { app, resetFakeElectron, session } from './helpers/fake-electron.js';
import { startAppAgent } from './helpers/app-agent.js';
import { recordingLogger } from './helpers/logger.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

const PASSWORD = 'Pr0xy-secret-77';
const configWith = (values: Record<string, unknown>) =>
  resolveConfig([objectLayer('vendor-file', values, 'vendor file v.json')]);

beforeEach(() => resetFakeElectron());

describe('the proxy setting reaches the session', () => {
  it('system: Chromium uses the OS settings and PAC', async () => {
    await setupNetwork(configWith({}), session.defaultSession as never, silentLogger);
    expect(session.defaultSession.proxyConfig).toEqual({ mode: 'system' });
  });

  it('direct', async () => {
    await setupNetwork(configWith({ proxy: 'direct' }), session.defaultSession as never, silentLogger);
    expect(session.defaultSession.proxyConfig).toEqual({ mode: 'direct' });
  });

  it('an explicit proxy: fixed servers without the credentials, which answer only that proxy when it asks', async () => {
    const log = recordingLogger();
    const transport = await setupNetwork(
      configWith({ proxy: `http://corp:${PASSWORD}@proxy.example:3128` }),
      session.defaultSession as never,
      log,
    );
    expect(session.defaultSession.proxyConfig).toEqual({ mode: 'fixed_servers', proxyRules: 'proxy.example:3128' });
    const answered: Array<[string, string]> = [];
    const login = (isProxy: boolean, host: string) => {
      let prevented = false;
      app.emit(
        'login',
        { preventDefault: () => (prevented = true) },
        null,
        {},
        { isProxy, host, port: 3128, realm: 'corp', scheme: 'basic' },
        (user: string, password: string) => answered.push([user, password]),
      );
      return prevented;
    };
    expect(login(false, 'api.licensespring.com')).toBe(false);
    expect(login(true, 'other-proxy.example')).toBe(false);
    expect(login(true, 'proxy.example')).toBe(true);
    expect(answered).toEqual([['corp', PASSWORD]]);
    expect(log.lines.join('\n')).not.toContain(PASSWORD);
    expect(log.lines.join('\n')).toContain('proxy http://[redacted]@proxy.example:3128 (vendor file v.json)');
    expect(await transport.describeProxy('https://api.licensespring.com/api/v4/.well-known')).toMatchObject({
      label: 'http://proxy.example:3128',
      source: 'proxy setting (vendor file v.json): PROXY proxy.example:3128',
    });
  });
});

describe('the agent in the app goes through the session', () => {
  let emulator: Emulator;
  let running: AgentRuntime | undefined;
  beforeEach(async () => {
    emulator = await startEmulator();
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await emulator.close();
  });

  async function start(): Promise<AgentRuntime> {
    running = await startAppAgent(emulator.url);
    return running;
  }

  it('every License API call is a fetch on the app session (net.fetch), none bypasses it', async () => {
    const { agent } = await start();
    agent.set({ color: 'blue' });
    expect((await agent.syncNow()).outcome).toBe('drained');
    const calls = session.defaultSession.fetched.map((url) => new URL(url).pathname);
    expect(calls).toEqual(expect.arrayContaining(['/api/v4/track_device_variables', '/api/v4/activate_license']));
    expect(emulator.requests.length).toBe(session.defaultSession.fetched.length);
  });

  it.each([
    ['net::ERR_CERT_AUTHORITY_INVALID', 'tls', 'held'],
    ['net::ERR_CERT_COMMON_NAME_INVALID', 'tls', 'held'],
    ['net::ERR_TUNNEL_CONNECTION_FAILED', 'proxy', 'held'],
    ['net::ERR_PROXY_CONNECTION_FAILED', 'network', 'retrying'],
    ['net::ERR_INTERNET_DISCONNECTED', 'network', 'retrying'],
  ])("Chromium's %s is kind %s (%s), nothing refused", async (netError, kind, outcome) => {
    const { agent } = await start();
    agent.set({ color: 'blue' });
    session.defaultSession.netErrors.push(netError);
    const result = await agent.syncNow();
    expect(result.outcome).toBe(outcome);
    expect(result.status).toMatchObject({ pending: 1, failed: 0, lastError: { kind, code: netError } });
  });
});
