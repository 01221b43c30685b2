// The `proxy` setting: `system` (the default), `direct`, or `http://[user:password@]host:port`.
// What `system` means on Node (the daemon and the CLI): the standard HTTPS_PROXY / HTTP_PROXY /
// NO_PROXY variables, lower case first as curl reads them. (In the Electron app Chromium's network
// stack reads the operating system's settings and PAC instead: see main/app/network.ts.)
// Credentials inside the setting are a secret: every shown form goes through redactProxy.

export type ProxySetting = 'system' | 'direct' | URL;

/** Why `text` is not a proxy setting, without repeating it (it may hold a password); undefined when it is one. */
export function proxySettingProblem(text: string): string | undefined {
  if (text === 'system' || text === 'direct') return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be system, direct or a proxy URL like http://proxy.example:8080';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'a proxy URL must start with http:// or https://';
  if (url.hostname === '') return 'a proxy URL needs a host';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '')
    return 'a proxy URL is only scheme, optional user:password@, host and port';
  return undefined;
}

export function parseProxySetting(text: string | undefined): ProxySetting {
  if (text === undefined || text === 'system' || text === 'direct') return text ?? 'system';
  return new URL(text);
}

/** The setting as it may be shown: `http://[redacted]@proxy:8080`. Text that is no URL is not shown at all. */
export function redactProxy(text: string): string {
  if (text === 'system' || text === 'direct') return text;
  try {
    return proxyLabel(new URL(text));
  } catch {
    return '[redacted]';
  }
}

/** A proxy URL as it may be shown: scheme, host and port, credentials replaced. */
export function proxyLabel(url: URL): string {
  const credentials = url.username !== '' || url.password !== '' ? '[redacted]@' : '';
  return `${url.protocol}//${credentials}${url.host}`;
}

/** The user name and password of a proxy setting, raw and as decoded, to redact wherever they appear. */
export function proxyCredentials(text: string): string[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text === 'system' || text === 'direct' ? [] : [text];
  }
  const parts = [url.username, url.password, `${url.username}:${url.password}`];
  return [...new Set([...parts, ...parts.map(safeDecode)])].filter((part) => part.length > 1 && part !== ':');
}

/** Which proxy a request to `target` goes through, and why: for the transport and the self-test. */
export interface ProxyChoice {
  /** undefined: straight to the server. */
  proxy: URL | undefined;
  /** Where the choice came from, for support: "proxy setting (env VARSYNC_PROXY)", "env HTTPS_PROXY", "NO_PROXY (env no_proxy)". */
  source: string;
}

/**
 * Node's choice for one URL. `settingSource` names where the proxy setting came from (the
 * configuration's source), `env` is the process environment.
 */
export function chooseProxy(
  target: URL,
  setting: ProxySetting,
  settingSource: string,
  env: NodeJS.ProcessEnv,
): ProxyChoice {
  if (setting === 'direct') return { proxy: undefined, source: `direct (${settingSource})` };
  if (setting instanceof URL) return { proxy: setting, source: `proxy setting (${settingSource})` };
  const names =
    target.protocol === 'https:'
      ? ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']
      : ['http_proxy', 'HTTP_PROXY'];
  const name = names.find((candidate) => (env[candidate] ?? '') !== '');
  if (!name) return { proxy: undefined, source: 'direct (system: no HTTPS_PROXY or HTTP_PROXY set)' };
  const noProxyName = ['no_proxy', 'NO_PROXY'].find((candidate) => (env[candidate] ?? '') !== '');
  if (noProxyName && bypassesProxy(target, env[noProxyName]!))
    return { proxy: undefined, source: `direct (system: ${target.hostname} is in ${noProxyName})` };
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z]+:\/\//i.test(env[name]!) ? env[name]! : `http://${env[name]}`);
  } catch {
    return { proxy: undefined, source: `direct (system: ${name} is not a URL and was ignored)` };
  }
  return { proxy, source: `system (env ${name})` };
}

/** NO_PROXY as curl and undici read it: `*`, host names (a leading `.` or `*.` for subdomains), IPs, each with an optional `:port`. */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .some((entry) => {
      if (entry === '*') return true;
      // A bare IPv6 address has colons but no port; [v6]:port and name:port have one.
      const bareIpv6 = !entry.startsWith('[') && (entry.match(/:/g) ?? []).length > 1;
      const match = bareIpv6 ? [entry, entry, undefined] : /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase())!;
      const name = match[1]!
        .toLowerCase()
        .replace(/^\[|\]$/g, '')
        .replace(/^\*?\./, '');
      if (match[2] !== undefined && match[2] !== port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
