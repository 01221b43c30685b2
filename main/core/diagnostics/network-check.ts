// The network self-test, for support: how this device reaches the License API, step by step. The
// API URL, the proxy for it and where that choice came from, DNS, the TCP connection (to the
// proxy when there is one), the TLS handshake with the certificate chain as this device sees it
// (subject and issuer of each certificate: an inspecting proxy's re-signing shows at once), and
// the `.well-known` answer through the agent's own transport, each with its time. No secrets: the
// proxy is shown without credentials, and nothing but a CONNECT and a handshake is sent outside
// the agent's own request.
import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { LicenseApiClient } from '../api/client.js';
import { LicenseApiError } from '../api/errors.js';
import { proxyCredentials } from '../api/proxy.js';
import { trustedRoots, type HttpTransport } from '../api/transport.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { Redactor, sensitiveValues } from '../log/redaction.js';
import { oneLine } from '../../../shared/one-line.js';
import type { CertificateView, NetworkCheckView, NetworkStep } from '../../../shared/network-check.js';

type Step = NetworkStep;

/** The result, as shared/network-check.ts describes it for the window, the status page and the CLI. */
export type NetworkCheck = NetworkCheckView;

export interface NetworkCheckOptions {
  apiUrl: string;
  transport: HttpTransport;
  timeoutMs: number;
  now?: () => number;
  /** Values that must not appear in the result (the configuration's secrets); the proxy's credentials are added. */
  secrets?: Iterable<string>;
}

export async function runNetworkCheck(options: NetworkCheckOptions): Promise<NetworkCheck> {
  const now = options.now ?? Date.now;
  const client = new LicenseApiClient({
    baseUrl: options.apiUrl,
    // The probe sends no credentials; the client wants some to exist.
    credentials: { type: 'hmac', apiKey: '', sharedKey: '' },
    timeoutMs: options.timeoutMs,
    transport: options.transport,
    now,
  });
  const wellKnownUrl = `${client.apiBaseUrl}/.well-known`;
  const target = new URL(wellKnownUrl);
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  const choice = await options.transport.describeProxy(wellKnownUrl);
  const proxy = choice.proxy;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const timed = async <T>(work: () => Promise<T>): Promise<Step & { value?: T }> => {
    const started = now();
    try {
      const value = await withTimeout(work(), options.timeoutMs);
      return { ok: true, ms: now() - started, value };
    } catch (error) {
      return { ok: false, ms: now() - started, error: describe(error) };
    }
  };

  // Through a proxy, the proxy resolves the API's name; this device resolves the proxy's.
  const dnsHost = proxy ? proxy.hostname : host;
  const dns = await timed(async () => (await lookup(dnsHost, { all: true })).map((entry) => entry.address));
  const tcpTo = proxy ? `${proxy.hostname}:${proxy.port || 80} (proxy)` : `${host}:${port}`;
  // Every connection the steps open, closed at the end: a step that timed out leaves none behind.
  const opened = new Set<{ destroy(): void }>();
  const track = <T extends { destroy(): void }>(connection: T): T => (opened.add(connection), connection);
  const tcp = await timed(async () => {
    const socket = await connectTcp(proxy ? proxy.hostname : host, proxy ? Number(proxy.port || 80) : port, track);
    socket.destroy();
  });
  const tls =
    target.protocol === 'https:'
      ? await (async () => {
          const result = await timed(() =>
            handshake(host, port, proxy, trustedRoots(options.transport.extraCertificates), track),
          );
          return {
            ok: result.ok && (result.value?.authorized ?? false),
            ms: result.ms,
            error: result.error ?? result.value?.authorizationError,
            authorized: result.value?.authorized ?? false,
            protocol: result.value?.protocol,
            chain: result.value?.chain ?? [],
          };
        })()
      : null;
  for (const connection of opened) connection.destroy();
  const started = now();
  let wellKnown: NetworkCheck['wellKnown'];
  try {
    await client.probe();
    wellKnown = { ok: true, ms: now() - started, clockOffsetMs: client.clockOffsetMs ?? null };
  } catch (error) {
    wellKnown = {
      ok: false,
      ms: now() - started,
      error: describe(error),
      ...(error instanceof LicenseApiError ? { kind: error.kind, code: error.code } : {}),
    };
  }
  const result: NetworkCheck = {
    apiUrl: client.apiBaseUrl,
    proxy: { used: choice.label ?? null, source: choice.source },
    dns: { ok: dns.ok, ms: dns.ms, host: dnsHost, addresses: dns.value, error: dns.error },
    tcp: { ok: tcp.ok, ms: tcp.ms, to: tcpTo, error: tcp.error },
    tls,
    wellKnown,
  };
  // Nothing here should carry a secret; an error message that echoes one is caught all the same.
  const redactor = new Redactor([...(options.secrets ?? []), ...(proxy ? proxyCredentials(proxy.href) : [])]);
  return JSON.parse(redactor.redact(JSON.stringify(result))) as NetworkCheck;
}

/** The self-test of a configuration's API over `transport`, or null when the API URL or transport cannot be used. */
export async function networkCheckOf(
  config: ResolvedConfig,
  transport: HttpTransport | undefined,
  now: () => number = Date.now,
): Promise<NetworkCheck | null> {
  if (!transport) return null;
  try {
    return await runNetworkCheck({
      apiUrl: config.values.apiUrl,
      transport,
      timeoutMs: config.values.requestTimeoutMs,
      now,
      secrets: sensitiveValues(config),
    });
  } catch {
    return null;
  }
}

type Track = <T extends { destroy(): void }>(connection: T) => T;

function connectTcp(host: string, port: number, track: Track): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = track(netConnect({ host, port }, () => resolve(socket)));
    socket.once('error', reject);
  });
}

/** A socket to host:port, through the proxy's CONNECT when there is one. */
function tunnel(host: string, port: number, proxy: URL | undefined, track: Track): Promise<Socket> {
  if (!proxy) return connectTcp(host, port, track);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: `${host}:${port}` };
    if (proxy.username || proxy.password)
      headers['Proxy-Authorization'] =
        `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    const connect = track(
      httpRequest({
        host: proxy.hostname,
        port: Number(proxy.port || 80),
        method: 'CONNECT',
        path: `${host.includes(':') ? `[${host}]` : host}:${port}`,
        headers,
      }),
    );
    connect.once('connect', (response, socket) => {
      track(socket);
      if (response.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(new Error(`the proxy answered CONNECT with HTTP ${response.statusCode}`));
      }
    });
    connect.once('error', reject);
    connect.end();
  });
}

interface Handshake {
  authorized: boolean;
  authorizationError?: string;
  protocol?: string;
  chain: CertificateView[];
}

/**
 * A TLS handshake that reads the chain the server (or an inspecting proxy) presents. It must see
 * an untrusted chain to show it, so it does not abort on one: it reports `authorized` and the
 * reason, sends nothing over the connection, and closes it. The agent's own requests always verify.
 */
async function handshake(
  host: string,
  port: number,
  proxy: URL | undefined,
  ca: string[] | undefined,
  track: Track,
): Promise<Handshake> {
  const socket = await tunnel(host, port, proxy, track);
  const secure = await new Promise<TLSSocket>((resolve, reject) => {
    const connection = track(
      tlsConnect(
        {
          socket,
          servername: /^[\d.]+$|:/.test(host) ? undefined : host,
          ca,
          rejectUnauthorized: false,
        },
        () => resolve(connection),
      ),
    );
    connection.once('error', reject);
  });
  const result: Handshake = {
    authorized: secure.authorized,
    authorizationError: secure.authorizationError ? String(secure.authorizationError) : undefined,
    protocol: secure.getProtocol() ?? undefined,
    chain: chainOf(secure.getPeerCertificate(true)),
  };
  secure.destroy();
  return result;
}

function chainOf(leaf: PeerCertificate & { issuerCertificate?: PeerCertificate }): Handshake['chain'] {
  const chain: Handshake['chain'] = [];
  let certificate: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = leaf;
  const seen = new Set<string>();
  while (certificate && certificate.subject && !seen.has(certificate.fingerprint256) && chain.length < 10) {
    seen.add(certificate.fingerprint256);
    chain.push({ subject: name(certificate.subject), issuer: name(certificate.issuer), validTo: certificate.valid_to });
    certificate = certificate.issuerCertificate;
  }
  return chain;
}

function name(fields: PeerCertificate['subject']): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The error's message, with its code when the message does not already name it. */
function describe(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  const code = (error as { code?: unknown }).code;
  return oneLine(typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message);
}
