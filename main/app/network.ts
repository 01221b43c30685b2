// The tray app's network: the License API client (axios, in main/core) travels through Chromium's
// network stack via the app session's `fetch` (net.fetch), so the operating system's proxy
// settings, PAC and WPAD, Kerberos/NTLM proxy authentication and the OS trust store apply, and
// NODE_EXTRA_CA_CERTS (disabled with the NODE_OPTIONS fuse) is not needed; `caFile` is trusted in
// addition through the session's certificate verify proc (certificate-trust.ts). An explicit proxy
// setting goes to `session.setProxy`; `session.resolveProxy` reports the proxy a URL uses.
import { app, type AuthInfo, type Session } from 'electron';
import { fetchTransport, readCaFile, type HttpTransport } from '../core/api/transport.js';
import { parseProxySetting, proxyLabel } from '../core/api/proxy.js';
import type { ResolvedConfig } from '../core/config/resolve.js';
import type { Logger } from '../core/log.js';
import { trustCaFileInSession } from './certificate-trust.js';

/** Apply the configuration's proxy setting to `appSession` and hand the core a transport over its fetch. */
export async function setupNetwork(config: ResolvedConfig, appSession: Session, log: Logger): Promise<HttpTransport> {
  const setting = parseProxySetting(config.values.proxy);
  const source = config.sources.proxy ?? 'default';
  if (setting === 'system') await appSession.setProxy({ mode: 'system' });
  else if (setting === 'direct') await appSession.setProxy({ mode: 'direct' });
  else {
    // Chromium takes no credentials in proxy rules: they are given when the proxy asks (below).
    const scheme = setting.protocol === 'https:' ? 'https://' : '';
    await appSession.setProxy({ mode: 'fixed_servers', proxyRules: `${scheme}${setting.host}` });
    if (setting.username !== '' || setting.password !== '') answerProxyLogin(setting);
  }
  const extraCertificates = config.values.caFile ? readCaFile(config.values.caFile) : [];
  if (extraCertificates.length > 0) trustCaFileInSession(appSession, extraCertificates, log);
  log.info(
    `network: Chromium's network stack, proxy ${setting instanceof URL ? proxyLabel(setting) : setting} (${source})`,
  );
  return fetchTransport({
    extraCertificates,
    fetch: (input, init) => appSession.fetch(input instanceof URL ? input.href : input, init),
    async describeProxy(url) {
      // "DIRECT", or "PROXY host:port; DIRECT" as a PAC script would say (Chromium's own answer).
      const answer = await appSession.resolveProxy(url);
      const first = answer.split(';')[0]!.trim();
      const match = /^(PROXY|HTTPS|SOCKS5?|SOCKS4)\s+(\S+)$/i.exec(first);
      const label = match ? `${match[1]!.toUpperCase() === 'HTTPS' ? 'https' : 'http'}://${match[2]}` : undefined;
      const where =
        setting === 'system'
          ? 'system (the OS proxy settings and PAC, as Chromium resolves them)'
          : `${setting instanceof URL ? 'proxy setting' : 'direct'} (${source})`;
      // The configured proxy keeps its credentials for the self-test's own CONNECT (never shown: label).
      const proxy = label ? new URL(label) : undefined;
      const configured = setting instanceof URL && proxy?.hostname === setting.hostname ? setting : proxy;
      return { proxy: configured, source: `${where}: ${answer}`, label };
    },
  });
}

/** The configured proxy's credentials, when that proxy (and only it) asks for them. */
function answerProxyLogin(proxy: URL): void {
  app.on('login', (event, _contents, _details, authInfo: AuthInfo, callback) => {
    if (!authInfo.isProxy || authInfo.host !== proxy.hostname) return;
    event.preventDefault();
    callback(decodeURIComponent(proxy.username), decodeURIComponent(proxy.password));
  });
}
