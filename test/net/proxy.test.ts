// Through a real forward proxy (Debian's tinyproxy on 127.0.0.1) to the HTTPS emulator: the
// environment's proxy, VARSYNC_PROXY, `direct`, NO_PROXY, a proxy that wants credentials (held as
// `proxy`, nothing refused) and the credentials that fix it (never shown), a dead proxy (network),
// a proxy that denies with its HTML 403 or cannot reach the API (500), a TLS-inspecting proxy
// (held as `tls`). No runtime warning (DEP0123: an IP as TLS server name) may be printed.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  createServerCertificate,
  startEmulator,
  type Emulator,
} from '../../emulator/index.js';
import { resetEmulator } from '../helpers/api.js';
import { tempDir } from '../helpers/agent.js';
import { emulatorEnv, varsync, type CliResult } from '../helpers/cli.js';
import { startInspectingProxy, type InspectingProxy } from './helpers/inspecting-proxy.js';
import { freePort, startTinyproxy, type Tinyproxy } from './helpers/tinyproxy.js';

const AUTH = { user: 'proxyuser', password: 'Pr0xy-pass-5ecret' };
let emulator: Emulator;
let httpEmulator: Emulator;
let open: Tinyproxy;
let guarded: Tinyproxy;
let denying: Tinyproxy;
let inspecting: InspectingProxy;
let caFile: string;
let deadProxy: string;
const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);

beforeAll(async () => {
  const ca = createCertificateAuthority();
  caFile = ca.caFile;
  emulator = await startEmulator({ tls: createServerCertificate(ca) });
  httpEmulator = await startEmulator();
  [open, guarded, denying] = await Promise.all([
    startTinyproxy(),
    startTinyproxy({ auth: AUTH }),
    startTinyproxy({ denyAll: true }),
  ]);
  inspecting = await startInspectingProxy(caFile);
  deadProxy = `http://127.0.0.1:${await freePort()}`;
  process.on('warning', onWarning);
}, 60_000);
afterAll(async () => {
  process.off('warning', onWarning);
  await Promise.all([emulator, httpEmulator, open, guarded, denying, inspecting].map((part) => part?.close()));
});

let outputs: CliResult[];
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  resetEmulator(emulator);
  outputs = [];
  env = emulatorEnv(emulator, tempDir(), { VARSYNC_CA_FILE: caFile });
});
afterEach(() => {
  // Nothing the command printed may carry the proxy's password or user name, in any test.
  for (const output of outputs) {
    expect(output.stdout + output.stderr).not.toContain(AUTH.password);
    expect(output.stdout + output.stderr).not.toContain(AUTH.user);
  }
  expect(warnings).toEqual([]);
});

async function run(argv: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const result = await varsync(argv, { ...env, ...extra });
  outputs.push(result);
  return result;
}

/** Queue two values, run one pass; the pass's exit code and report. */
async function setAndSync(extra: NodeJS.ProcessEnv) {
  await run(['set', 'color=blue', 'seats:=3'], extra);
  const sync = await run(['sync', '--json'], extra);
  return { code: sync.code, status: (JSON.parse(sync.stdout) as { status: Record<string, unknown> }).status };
}

const tunnelled = (proxy: Tinyproxy) =>
  proxy.requests().filter((line) => line.startsWith(`CONNECT 127.0.0.1:${emulator.port}`));

describe('choosing the proxy', () => {
  it('system: HTTPS_PROXY from the environment tunnels with CONNECT', async () => {
    const before = tunnelled(open).length;
    expect(await setAndSync({ HTTPS_PROXY: open.url })).toMatchObject({ code: 0, status: { pending: 0 } });
    expect(tunnelled(open).length).toBeGreaterThan(before);
  });

  it('VARSYNC_PROXY names the proxy (the environment is not read)', async () => {
    const before = tunnelled(open).length;
    const result = await setAndSync({ VARSYNC_PROXY: open.url, HTTPS_PROXY: deadProxy });
    expect(result).toMatchObject({ code: 0, status: { pending: 0 } });
    expect(tunnelled(open).length).toBeGreaterThan(before);
  });

  it('direct bypasses the environment proxy', async () => {
    expect(await setAndSync({ VARSYNC_PROXY: 'direct', HTTPS_PROXY: deadProxy })).toMatchObject({ code: 0 });
  });

  it('NO_PROXY sends the API host straight', async () => {
    expect(await setAndSync({ HTTPS_PROXY: deadProxy, NO_PROXY: 'example.com,127.0.0.1' })).toMatchObject({ code: 0 });
    expect(
      await setAndSync({ https_proxy: deadProxy, no_proxy: `localhost,127.0.0.1:${emulator.port}` }),
    ).toMatchObject({
      code: 0,
    });
  });

  it('a plain-HTTP API goes through HTTP_PROXY as a forward request', async () => {
    env = emulatorEnv(httpEmulator, tempDir());
    const before = open.requests().length;
    expect(await setAndSync({ HTTP_PROXY: open.url })).toMatchObject({ code: 0 });
    expect(
      open
        .requests()
        .slice(before)
        .some((line) => line.startsWith(`POST ${httpEmulator.url}/api/v4/`)),
    ).toBe(true);
  });
});

describe('proxy failures never refuse a value', () => {
  it('407 without credentials holds the queue as proxy (exit 3); credentials in the setting fix it', async () => {
    const held = await setAndSync({ HTTPS_PROXY: guarded.url });
    expect(held).toMatchObject({
      code: 3,
      status: { state: 'attention', pending: 2, failed: 0, lastError: { kind: 'proxy', code: 'http_407' } },
    });
    const status = await run(['status'], { HTTPS_PROXY: guarded.url });
    expect(status.stdout).toContain('asks for a user name and password');
    const withCredentials = `http://${AUTH.user}:${AUTH.password}@127.0.0.1:${guarded.port}`;
    const fixed = await setAndSync({ VARSYNC_PROXY: withCredentials });
    expect(fixed).toMatchObject({ code: 0, status: { pending: 0, failed: 0 } });
    const config = await run(['config'], { VARSYNC_PROXY: withCredentials });
    expect(config.stdout).toContain(`http://[redacted]@127.0.0.1:${guarded.port}`);
  });

  it('wrong credentials are a 407 too', async () => {
    const wrong = `http://${AUTH.user}:nope@127.0.0.1:${guarded.port}`;
    expect(await setAndSync({ VARSYNC_PROXY: wrong })).toMatchObject({
      code: 3,
      status: { pending: 2, failed: 0, lastError: { kind: 'proxy' } },
    });
  });

  it('a proxy that cannot be reached is network (exit 4), and the message names the proxy', async () => {
    const result = await setAndSync({ HTTPS_PROXY: deadProxy });
    expect(result).toMatchObject({
      code: 4,
      status: { pending: 2, failed: 0, lastError: { kind: 'network', code: 'ECONNREFUSED' } },
    });
    expect((result.status.lastError as { message: string }).message).toBe(
      `Could not reach the proxy at ${deadProxy} (for the License API at 127.0.0.1:${emulator.port}): the connection was refused.`,
    );
  });

  it("a proxy's HTML 403 to CONNECT holds as proxy", async () => {
    expect(await setAndSync({ HTTPS_PROXY: denying.url })).toMatchObject({
      code: 3,
      status: { pending: 2, failed: 0, lastError: { kind: 'proxy', code: 'http_403' } },
    });
  });

  it('a proxy that cannot reach the API (its 500 page) is retried as network (exit 4)', async () => {
    env = emulatorEnv(emulator, tempDir(), {
      VARSYNC_CA_FILE: caFile,
      VARSYNC_API_URL: `https://127.0.0.1:${await freePort()}`,
    });
    const result = await setAndSync({ HTTPS_PROXY: open.url });
    expect(result).toMatchObject({
      code: 4,
      status: { pending: 2, failed: 0, lastError: { kind: 'network', code: 'http_500' } },
    });
    expect((result.status.lastError as { message: string }).message).toMatch(
      /^The proxy at http:\/\/127\.0\.0\.1:\d+ could not connect/,
    );
  });

  it('a TLS-inspecting proxy that re-signs with its own CA holds as tls', async () => {
    expect(await setAndSync({ HTTPS_PROXY: inspecting.url })).toMatchObject({
      code: 3,
      status: { pending: 2, failed: 0, lastError: { kind: 'tls', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } },
    });
  });
});

describe('the network self-test (varsync diagnostics --network)', () => {
  it("shows the inspecting proxy's foreign issuer, where the proxy came from, and the tls failure", async () => {
    const result = await run(['diagnostics', '--network'], { HTTPS_PROXY: inspecting.url });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`API URL:     ${emulator.apiBaseUrl}`);
    expect(lines[1]).toBe(`Proxy:       ${inspecting.url} (system (env HTTPS_PROXY))`);
    expect(lines[2]).toMatch(/^DNS: {9}ok 127\.0\.0\.1 -> 127\.0\.0\.1 \(\d+ ms\)$/);
    expect(lines[3]).toMatch(/^TCP: {9}ok 127\.0\.0\.1:\d+ \(proxy\) \(\d+ ms\)$/);
    expect(lines[4]).toMatch(/^TLS: {9}NOT TRUSTED TLSv1\.3 \(\d+ ms\): UNABLE_TO_VERIFY_LEAF_SIGNATURE$/);
    expect(lines[5]).toMatch(/^ {2}\[0\] CN=127\.0\.0\.1, issued by CN=Example Corp Inspection CA, valid to /);
    expect(result.stdout).toMatch(
      /\.well-known: FAILED \(\d+ ms\): Could not reach the License API .*UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
    );
    expect(result.stdout).toContain(
      "Verdict:     The License API's certificate is not trusted here (a network that inspects HTTPS replaces it). " +
        'The certificate seen was issued by Example Corp Inspection CA.\n',
    );
  });

  it('straight to the API with caFile: trusted, issued by the private CA, .well-known ok', async () => {
    const result = await run(['diagnostics', '--network'], { VARSYNC_PROXY: 'direct' });
    expect(result.stdout).toContain(`Proxy:       none (direct (env VARSYNC_PROXY))`);
    expect(result.stdout).toMatch(/TLS: {9}trusted TLSv1\.3/);
    expect(result.stdout).toMatch(/\[0\] CN=127\.0\.0\.1, issued by CN=Varsync Emulator Test CA/);
    expect(result.stdout).toMatch(/\.well-known: ok \(\d+ ms\)/);
    expect(result.stdout).toContain('Verdict:     This device reaches the License API.\nWhat to do:  Nothing to do.\n');
  });

  it('through a proxy with credentials: they are used and never shown', async () => {
    const proxy = `http://${AUTH.user}:${AUTH.password}@127.0.0.1:${guarded.port}`;
    const result = await run(['diagnostics', '--network'], { VARSYNC_PROXY: proxy });
    expect(result.stdout).toContain(
      `Proxy:       http://[redacted]@127.0.0.1:${guarded.port} (proxy setting (env VARSYNC_PROXY))`,
    );
    expect(result.stdout).toMatch(/TLS: {9}trusted/);
    expect(result.stdout).toMatch(/\.well-known: ok/);
  });
});
