// How the License API client's requests reach the network. The client stays on axios everywhere;
// a transport only says which adapter, agents or fetch carry a request. On Node (daemon, CLI) it
// is axios's http adapter with our own agents: straight, or through a proxy (HTTPS tunnelled with
// CONNECT by https-proxy-agent, which also keeps an IP address out of the TLS server name, so Node
// prints no DEP0123 warning), trusting the system's roots plus `caFile`. The Electron app hands
// the client Chromium's `net.fetch` instead (main/app/network.ts): the core never imports electron.
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import * as tls from 'node:tls';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { loadCaFile } from '../config/ca-file.js';
import { ConfigError, type ResolvedConfig } from '../config/resolve.js';
import { chooseProxy, parseProxySetting, proxyLabel, type ProxyChoice, type ProxySetting } from './proxy.js';

export interface HttpTransport {
  /** The axios options that carry a request to `url` (adapter, agents or fetch). */
  requestOptions(url: string): AxiosRequestConfig;
  /** The proxy a request to `url` goes through (`undefined`: none or not known here), for messages. */
  proxyLabel(url: string): string | undefined;
  /** Which proxy a request to `url` uses and where that choice came from, for the self-test. */
  describeProxy(url: string): Promise<ProxyChoice & { label: string | undefined }>;
  /** True when `response` is a proxy's refusal to open a tunnel (CONNECT), not the server's answer. */
  refusedByProxy(response: AxiosResponse): boolean;
  /** The extra trusted roots (PEM), for the self-test's own handshake. */
  readonly extraCertificates: string[];
}

export interface NodeTransportOptions {
  /** The proxy setting's text (`system`, `direct` or a URL); default `system`. */
  proxy?: string;
  /** Where the setting came from ("env VARSYNC_PROXY"), for the self-test. */
  proxySource?: string;
  /** A PEM file of CA certificates trusted in addition to the system's. */
  caFile?: string;
  /** The environment `system` reads (HTTPS_PROXY, NO_PROXY...). */
  env?: NodeJS.ProcessEnv;
}

/** The certificates of a `caFile` (resolveConfig has refused one that cannot be used, saying where it was set). */
export function readCaFile(path: string): string[] {
  const loaded = loadCaFile(path);
  if ('problem' in loaded) throw new ConfigError(loaded.problem);
  return loaded.certificates;
}

/**
 * The roots to trust when the defaults are not enough, for the agent's requests and the self-test's
 * handshake: Node's bundled roots, the operating system's where this Node can read them
 * (tls.getCACertificates('system'), Node 22.15+/23.5+, so Electron 45's Node 24 but not Node 20),
 * and the extra ones. undefined: Node's defaults.
 */
export function trustedRoots(extra: string[]): string[] | undefined {
  const read = (tls as { getCACertificates?: (type: 'default' | 'system') => string[] }).getCACertificates;
  const system = systemRoots(read);
  if (extra.length === 0 && system.length === 0) return undefined;
  return [...(read ? read('default') : tls.rootCertificates), ...system, ...extra];
}

let cachedSystemRoots: string[] | undefined;
function systemRoots(read: ((type: 'default' | 'system') => string[]) | undefined): string[] {
  if (!read) return [];
  try {
    cachedSystemRoots ??= read('system');
  } catch {
    cachedSystemRoots = [];
  }
  return cachedSystemRoots;
}

/**
 * A CONNECT tunnel whose TLS to the server trusts `ca`: https-proxy-agent takes the server's TLS
 * options from each request, and axios passes none. A new connection per request (no keep-alive):
 * proxies close idle connections without notice, and the agent sends a request every few minutes.
 */
type TunnelConnectOptions = Parameters<HttpsProxyAgent<string>['connect']>[1];

class TrustingTunnel extends HttpsProxyAgent<string> {
  constructor(
    proxy: URL,
    private readonly ca: string[] | undefined,
  ) {
    super(proxy);
  }

  override connect(request: ClientRequest, options: TunnelConnectOptions): Promise<Socket> {
    return super.connect(request, this.ca && options.secureEndpoint ? { ...options, ca: this.ca } : options);
  }
}

/**
 * A transport over a `fetch`: axios's fetch adapter with the given fetch (axios 1.12+ `env.fetch`).
 * The Electron app passes its session's `net.fetch` (Chromium's network stack: the OS proxy
 * settings, PAC, WPAD, Kerberos/NTLM and the OS trust store); tests pass Node's own fetch.
 */
export function fetchTransport(options: {
  fetch: (input: URL | Request | string, init?: RequestInit) => Promise<Response>;
  describeProxy(url: string): Promise<ProxyChoice & { label: string | undefined }>;
  /** The caFile's certificates, which that fetch trusts too (the self-test's handshake uses them). */
  extraCertificates?: string[];
}): HttpTransport {
  return {
    extraCertificates: options.extraCertificates ?? [],
    requestOptions: () => ({ adapter: 'fetch', env: { fetch: options.fetch } }),
    // The network stack reports its own proxy failures (net::ERR_TUNNEL_CONNECTION_FAILED...).
    proxyLabel: () => undefined,
    describeProxy: (url) => options.describeProxy(url),
    refusedByProxy: () => false,
  };
}

/** The transport a configuration asks for (its proxy and caFile), on Node. */
export function configuredTransport(config: ResolvedConfig, env: NodeJS.ProcessEnv = process.env): HttpTransport {
  return nodeTransport({
    proxy: config.values.proxy,
    proxySource: config.sources.proxy,
    caFile: config.values.caFile,
    env,
  });
}

/** The daemon's and the CLI's transport. */
export function nodeTransport(options: NodeTransportOptions = {}): HttpTransport {
  const setting: ProxySetting = parseProxySetting(options.proxy);
  const source = options.proxySource ?? 'default';
  const env = options.env ?? process.env;
  const extraCertificates = options.caFile ? readCaFile(options.caFile) : [];
  const ca = trustedRoots(extraCertificates);
  const direct = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true, ca }) };
  const viaProxy = new Map<string, HttpAgent>();
  // Requests whose CONNECT the proxy refused: https-proxy-agent then replays the proxy's answer
  // as if it were the server's, so this is how the client tells the two apart.
  const refused = new WeakSet<ClientRequest>();

  const choose = (url: string): ProxyChoice => chooseProxy(new URL(url), setting, source, env);
  const agentFor = (target: URL, proxy: URL): HttpAgent => {
    const key = `${target.protocol}${proxy.href}`;
    let agent = viaProxy.get(key);
    if (!agent) {
      if (target.protocol === 'https:') {
        const tunnel = new TrustingTunnel(proxy, ca);
        tunnel.on('proxyConnect', (answer: { statusCode: number }, request: ClientRequest) => {
          if (answer.statusCode !== 200) refused.add(request);
        });
        agent = tunnel;
      } else {
        agent = new HttpProxyAgent(proxy);
      }
      viaProxy.set(key, agent);
    }
    return agent;
  };

  return {
    extraCertificates,
    requestOptions(url) {
      const target = new URL(url);
      const { proxy } = choose(url);
      const agent = proxy ? agentFor(target, proxy) : target.protocol === 'https:' ? direct.https : direct.http;
      // proxy: false: axios must not read the environment itself; the choice above is the one.
      return { proxy: false, httpAgent: agent, httpsAgent: agent };
    },
    proxyLabel(url) {
      const { proxy } = choose(url);
      return proxy && proxyLabel(proxy);
    },
    describeProxy(url) {
      const choice = choose(url);
      return Promise.resolve({ ...choice, label: choice.proxy && proxyLabel(choice.proxy) });
    },
    refusedByProxy(response) {
      return refused.has(response.request as ClientRequest);
    },
  };
}
