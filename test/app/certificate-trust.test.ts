// caFile in the tray app: the app session's certificate verify proc, with `electron` mocked but
// real certificates, presented by real TLS servers on loopback (the emulator's private CA, an
// expired and a wrong-name certificate from it, and another CA's). The verify proc is asked as
// Chromium asks it: with the chain the server presented and Chromium's own verdict (errorCode).
// Only "no trusted root" (ERR_CERT_AUTHORITY_INVALID) can be turned into a yes, and only for a
// chain that leads to a caFile CA and passes every other check; every other verdict stands.
import { readFileSync } from 'node:fs';
import { connect, type PeerCertificate } from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createCertificateAuthority,
  createServerCertificate,
  startEmulator,
  type CertificateAuthority,
  type Emulator,
  type ServerCertificateOptions,
} from '../../emulator/index.js';
import { ACCEPT, CHROMIUM_VERDICT, decide, ERR_CERT_AUTHORITY_INVALID } from '../../main/app/certificate-trust.js';
import { setupNetwork } from '../../main/app/network.js';
import { objectLayer, resolveConfig } from '../../main/core/config/resolve.js';
import { silentLogger } from '../../main/core/log.js';
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

interface ElectronCertificate {
  data: string;
  issuerCert?: ElectronCertificate;
}

/** A real HTTPS emulator with this certificate, and the chain it presents, as Electron's Certificate. */
async function presented(from: CertificateAuthority, options: ServerCertificateOptions = {}) {
  const server = await startEmulator({ tls: createServerCertificate(from, options) });
  servers.push(server);
  const { port } = new URL(server.url);
  const peer = await new Promise<PeerCertificate & { issuerCertificate?: PeerCertificate }>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate(true));
      socket.destroy();
    });
    socket.once('error', reject);
  });
  const toPem = (raw: Buffer) =>
    `-----BEGIN CERTIFICATE-----\n${raw
      .toString('base64')
      .match(/.{1,64}/g)!
      .join('\n')}\n-----END CERTIFICATE-----\n`;
  const chain: ElectronCertificate = { data: toPem(peer.raw) };
  // Chromium links the issuer when it knows it (here the server sent only its own certificate).
  if (peer.issuerCertificate && peer.issuerCertificate.fingerprint256 !== peer.fingerprint256)
    chain.issuerCert = { data: toPem(peer.issuerCertificate.raw) };
  return chain;
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
