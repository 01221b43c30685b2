// The self-test's verdict (shared/network-check.ts): the first step that failed decides, in plain
// words with what to do, reusing shared/explanations.ts where a sync problem means the same.
// The steps themselves are measured for real in test/net/proxy.test.ts and the e2e spec.
import { describe, expect, it } from 'vitest';
import { describeNetworkCheck, networkVerdict, type NetworkCheckView } from '../../shared/network-check.js';
import { translatorFor } from '../../shared/i18n/languages.js';

const ok = { ok: true, ms: 3 };
const base: NetworkCheckView = {
  apiUrl: 'https://api.example.com/api/v4',
  proxy: { used: null, source: 'direct (default)' },
  dns: { ...ok, host: 'api.example.com', addresses: ['192.0.2.7'] },
  tcp: { ...ok, to: 'api.example.com:443' },
  tls: {
    ...ok,
    authorized: true,
    protocol: 'TLSv1.3',
    chain: [{ subject: 'CN=api.example.com', issuer: 'CN=Public CA, O=Public', validTo: 'Jan 1 00:00:00 2030 GMT' }],
  },
  wellKnown: { ...ok, clockOffsetMs: 0 },
};
const viaProxy = { used: 'http://proxy.corp:3128', source: 'system (env HTTPS_PROXY)' };

describe('the network verdict', () => {
  it('all steps passed: nothing to do, naming the proxy when there is one', () => {
    expect(networkVerdict(base)).toEqual({
      ok: true,
      reason: 'This device reaches the License API.',
      action: 'Nothing to do.',
      messages: { reason: { key: 'net.reaches.reason' }, action: { key: 'net.reaches.action' } },
    });
    expect(networkVerdict({ ...base, proxy: viaProxy }).reason).toBe(
      'This device reaches the License API through the proxy http://proxy.corp:3128.',
    );
  });

  it("a name that does not resolve: the API host's, or the proxy's", () => {
    const failed = { ok: false, ms: 9, error: 'getaddrinfo ENOTFOUND api.example.com (ENOTFOUND)' };
    const wellKnown = { ok: false, ms: 1, kind: 'network', code: 'ENOTFOUND' };
    expect(networkVerdict({ ...base, dns: { ...base.dns, ...failed }, wellKnown })).toMatchObject({
      ok: false,
      reason: 'This device cannot find api.example.com: the name does not resolve.',
    });
    expect(
      networkVerdict({ ...base, proxy: viaProxy, dns: { ...failed, host: 'proxy.corp' }, wellKnown }),
    ).toMatchObject({
      reason: 'This device cannot find the proxy http://proxy.corp:3128: its name does not resolve.',
      action: 'Check the proxy setting (varsync config), or ask your network administrator.',
    });
  });

  it('nothing answers at the address, or at the proxy', () => {
    const tcp = { ok: false, ms: 2, to: 'api.example.com:443', error: 'connect ECONNREFUSED (ECONNREFUSED)' };
    const wellKnown = { ok: false, ms: 1, kind: 'network', code: 'ECONNREFUSED' };
    expect(networkVerdict({ ...base, tcp, wellKnown }).reason).toBe('Nothing answers at api.example.com:443.');
    expect(networkVerdict({ ...base, proxy: viaProxy, tcp, wellKnown }).reason).toBe(
      'The proxy http://proxy.corp:3128 does not accept connections.',
    );
  });

  it("a proxy refusing CONNECT for want of credentials: the 407's explanation", () => {
    const tls = { ok: false, ms: 4, authorized: false, chain: [], error: 'the proxy answered CONNECT with HTTP 407' };
    const wellKnown = { ok: false, ms: 1, kind: 'proxy', code: 'http_407' };
    expect(networkVerdict({ ...base, proxy: viaProxy, tls, wellKnown })).toMatchObject({
      ok: false,
      reason: 'A proxy between this device and the License API asks for a user name and password.',
    });
  });

  it('an untrusted chain names who issued it (an inspecting proxy shows at once); an expired one says so', () => {
    const chain = [{ subject: 'CN=api.example.com', issuer: 'CN=Example Corp Inspection CA', validTo: 'x' }];
    const tls = { ok: false, ms: 4, authorized: false, chain, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' };
    const wellKnown = { ok: false, ms: 1, kind: 'tls', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' };
    const verdict = networkVerdict({ ...base, tls, wellKnown });
    expect(verdict.reason).toBe(
      "The License API's certificate is not trusted here (a network that inspects HTTPS replaces it). The certificate seen was issued by Example Corp Inspection CA.",
    );
    expect(verdict.action).toMatch(/^Install your organization's root certificate \(caFile setting/);
    // The window says the same verdict in its language, the issuer's name inside it.
    expect(translatorFor(['de']).say(verdict.messages.reason)).toBe(
      'Dem Zertifikat der License API wird hier nicht vertraut (ein Netzwerk, das HTTPS untersucht, ersetzt es). Das gesehene Zertifikat wurde ausgestellt von Example Corp Inspection CA.',
    );
    expect(networkVerdict({ ...base, tls: { ...tls, error: 'CERT_HAS_EXPIRED' }, wellKnown }).reason).toMatch(
      /^The License API's certificate has expired\. The certificate seen was issued by Example Corp Inspection CA\.$/,
    );
  });

  it("when only the API's answer failed, its own explanation", () => {
    const wellKnown = { ok: false, ms: 1, kind: 'credentials', code: 'http_404', error: 'not the License API' };
    expect(networkVerdict({ ...base, wellKnown })).toMatchObject({
      ok: false,
      reason: 'The License API refused the configured credentials.',
    });
  });

  it('the printed lines end with the verdict and what to do', () => {
    expect(describeNetworkCheck(base).slice(-2)).toEqual([
      'Verdict:     This device reaches the License API.',
      'What to do:  Nothing to do.',
    ]);
  });
});
