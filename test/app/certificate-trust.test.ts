// caFile in the tray app: the app session's certificate verify proc, with `electron` mocked but
// real certificates, presented by real TLS servers on loopback (the emulator's private CA, an
// expired and a wrong-name certificate from it, and another CA's). The verify proc is asked as
// Chromium asks it: with the chain the server presented and Chromium's own verdict (errorCode).
// Only "no trusted root" (ERR_CERT_AUTHORITY_INVALID) can be turned into a yes, and only for a
// chain that leads to a caFile CA and passes every other check; every other verdict stands.
import { readFileSync } from 'node:fs';
import { connect, type DetailedPeerCertificate } from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createCertificateAuthority,
  createServerCertificate,
  DEMO,
  startEmulator,
  type CertificateAuthority,
  type Emulator,
  type ServerCertificateOptions,
} from '../../emulator/index.js';
import { ACCEPT, CHROMIUM_VERDICT, decide, ERR_CERT_AUTHORITY_INVALID } from '../../main/app/certificate-trust.js';
import { setupAgent } from '../../main/app/agent-setup.js';
import { setupNetwork } from '../../main/app/network.js';
import type { AgentRuntime } from '../../main/core/runtime.js';
import { tempDir } from '../helpers/agent.js';
import { objectLayer, resolveConfig } from '../../main/core/config/resolve.js';
import { silentLogger } from '../../main/core/log.js';
import { electronCertificate, type ElectronCertificate } from './helpers/fake-chromium-tls.js';
import { resetFakeElectron, session } from './helpers/fake-electron.js';
import { recordingLogger } from './helpers/logger.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

/** net_error_list.h codes Chromium reports besides CERT_AUTHORITY_INVALID. */
const ERR_CERT_COMMON_NAME_INVALID = -200;
const ERR_CERT_DATE_INVALID = -201;
const ERR_CERT_REVOKED = -206;

let ca: CertificateAuthority;
let foreign: CertificateAuthority;
let caPem: string[];
const servers: Emulator[] = [];

beforeAll(() => {
  ca = createCertificateAuthority('Varsync Test Private CA');
  foreign = createCertificateAuthority('Example Corp Inspection CA');
  caPem = [readFileSync(ca.caFile, 'utf8')];
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});
beforeEach(() => resetFakeElectron());

async function httpsEmulator(from: CertificateAuthority, options: ServerCertificateOptions = {}): Promise<Emulator> {
  const server = await startEmulator({ tls: createServerCertificate(from, options) });
  servers.push(server);
  return server;
}

/** A real HTTPS emulator with this certificate, and the chain it presents, as Electron's Certificate. */
async function presented(from: CertificateAuthority, options: ServerCertificateOptions = {}) {
  const { port } = new URL((await httpsEmulator(from, options)).url);
  const peer = await new Promise<DetailedPeerCertificate>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate(true));
      socket.destroy();
    });
    socket.once('error', reject);
  });
  return electronCertificate(peer);
}

const request = (certificate: ElectronCertificate, errorCode: number, hostname = '127.0.0.1') => ({
  hostname,
  certificate,
  validatedCertificate: certificate,
  isIssuedByKnownRoot: false,
  verificationResult: errorCode === 0 ? 'OK' : 'net::ERR_CERT_SOMETHING',
  errorCode,
});

const ask = (certificate: ElectronCertificate, errorCode: number, hostname?: string) =>
  decide(request(certificate, errorCode, hostname) as never, caPem, silentLogger, Date.now());

describe("the verify proc's decisions", () => {
  it("accepts a certificate of the caFile's CA when Chromium found no trusted root", async () => {
    const log = recordingLogger();
    const certificate = await presented(ca);
    expect(decide(request(certificate, ERR_CERT_AUTHORITY_INVALID) as never, caPem, log, Date.now())).toBe(ACCEPT);
    expect(ask(certificate, ERR_CERT_AUTHORITY_INVALID, 'localhost')).toBe(ACCEPT);
    expect(log.lines.join('\n')).toContain(
      "tls: 127.0.0.1's certificate is trusted through caFile (CN=Varsync Test Private CA)",
    );
  });

  it("leaves Chromium's own yes alone (the OS store trusted it)", async () => {
    expect(ask(await presented(ca), 0)).toBe(CHROMIUM_VERDICT);
  });

  it('refuses a certificate of another CA (an inspecting proxy not in caFile)', async () => {
    const log = recordingLogger();
    const certificate = await presented(foreign);
    expect(decide(request(certificate, ERR_CERT_AUTHORITY_INVALID) as never, caPem, log, Date.now())).toBe(
      CHROMIUM_VERDICT,
    );
    expect(log.lines.join('\n')).toContain('the chain does not lead to a caFile certificate');
  });

  it("refuses an expired certificate of the caFile's CA, whichever error Chromium put first", async () => {
    const certificate = await presented(ca, { expired: true });
    expect(ask(certificate, ERR_CERT_DATE_INVALID)).toBe(CHROMIUM_VERDICT);
    expect(ask(certificate, ERR_CERT_AUTHORITY_INVALID)).toBe(CHROMIUM_VERDICT);
  });

  it("refuses a certificate of the caFile's CA issued for another name", async () => {
    const certificate = await presented(ca, { names: ['api.other.example'] });
    expect(ask(certificate, ERR_CERT_COMMON_NAME_INVALID)).toBe(CHROMIUM_VERDICT);
    expect(ask(certificate, ERR_CERT_AUTHORITY_INVALID)).toBe(CHROMIUM_VERDICT);
    // The same certificate for the name it was issued for passes.
    expect(ask(certificate, ERR_CERT_AUTHORITY_INVALID, 'api.other.example')).toBe(ACCEPT);
  });

  it("keeps every other refusal of Chromium's (revoked), even for the caFile's CA", async () => {
    expect(ask(await presented(ca), ERR_CERT_REVOKED)).toBe(CHROMIUM_VERDICT);
  });

  it('refuses a chain when caFile holds only a certificate that did not sign it', async () => {
    const certificate = await presented(ca);
    const other = [readFileSync(foreign.caFile, 'utf8')];
    expect(decide(request(certificate, ERR_CERT_AUTHORITY_INVALID) as never, other, silentLogger, Date.now())).toBe(
      CHROMIUM_VERDICT,
    );
  });

  it("refuses once the caFile's CA itself has expired", async () => {
    const certificate = await presented(ca);
    const in31Days = Date.now() + 31 * 24 * 3600_000;
    expect(decide(request(certificate, ERR_CERT_AUTHORITY_INVALID) as never, caPem, silentLogger, in31Days)).toBe(
      CHROMIUM_VERDICT,
    );
  });
});

describe('setupNetwork and caFile', () => {
  const configWith = (values: Record<string, unknown>) =>
    resolveConfig([objectLayer('vendor-file', values, 'vendor file v.json')]);

  it("installs the verify proc on the app's session, which answers Chromium through its callback", async () => {
    const transport = await setupNetwork(
      configWith({ caFile: ca.caFile }),
      session.defaultSession as never,
      silentLogger,
    );
    const proc = session.defaultSession.certificateVerifyProc!;
    expect(proc).toBeTypeOf('function');
    const certificate = await presented(ca);
    const answer = (errorCode: number) =>
      new Promise<number>((resolve) => proc(request(certificate, errorCode), resolve));
    expect(await answer(ERR_CERT_AUTHORITY_INVALID)).toBe(ACCEPT);
    expect(await answer(ERR_CERT_DATE_INVALID)).toBe(CHROMIUM_VERDICT);
    // The self-test's own handshake trusts the same certificates.
    expect(transport.extraCertificates).toEqual(caPem.map((pem) => pem.trim()));
  });

  it('without caFile, Chromium decides alone: no verify proc', async () => {
    await setupNetwork(configWith({}), session.defaultSession as never, silentLogger);
    expect(session.defaultSession.certificateVerifyProc).toBeNull();
  });
});

describe("the app's agent with caFile, through the session (Chromium's verification modelled by the fake)", () => {
  let running: AgentRuntime | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function syncThrough(server: Emulator, env: NodeJS.ProcessEnv) {
    running = await setupAgent({
      env: {
        VARSYNC_DATA_DIR: tempDir(),
        VARSYNC_API_URL: server.url,
        VARSYNC_PRODUCT: DEMO.product,
        VARSYNC_LICENSE_KEY: DEMO.licenseKey,
        VARSYNC_API_KEY: DEMO.apiKey,
        VARSYNC_SHARED_KEY: DEMO.sharedKey,
        ...env,
      },
      userSettings: objectLayer('user-settings', {}, 'settings'),
      logger: () => silentLogger,
      locations: { appDirs: [] },
      network: (config, log) => setupNetwork(config, session.defaultSession as never, log),
    });
    running.agent.set({ color: 'blue' });
    return running.agent.syncNow();
  }

  it('the private CA in caFile: the queue drains over https', async () => {
    const server = await httpsEmulator(ca);
    const result = await syncThrough(server, { VARSYNC_CA_FILE: ca.caFile });
    expect(result.status.lastError).toBeNull();
    expect(result.outcome).toBe('drained');
    expect(server.state.variablesOf(DEMO.product, running!.agent.hardwareId!.id)).toMatchObject({ color: 'blue' });
  });

  it('without caFile the same server is not trusted: held as tls, nothing refused', async () => {
    const result = await syncThrough(await httpsEmulator(ca), {});
    expect(result.outcome).toBe('held');
    expect(result.status).toMatchObject({
      pending: 1,
      failed: 0,
      lastError: { kind: 'tls', code: 'net::ERR_CERT_AUTHORITY_INVALID' },
    });
  });

  it.each([
    ['another CA (an inspecting proxy)', () => httpsEmulator(foreign)],
    ['an expired certificate of the caFile CA', () => httpsEmulator(ca, { expired: true })],
    ['a certificate of the caFile CA for another name', () => httpsEmulator(ca, { names: ['api.other.example'] })],
  ])('%s stays refused with caFile: held as tls', async (_what, start) => {
    const result = await syncThrough(await start(), { VARSYNC_CA_FILE: ca.caFile });
    expect(result.outcome).toBe('held');
    expect(result.status).toMatchObject({ pending: 1, failed: 0, lastError: { kind: 'tls' } });
  });
});
