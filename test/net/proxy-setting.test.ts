// The proxy setting's rules in one place: what `system` picks from the environment, NO_PROXY,
// and that credentials never survive into anything shown.
import { describe, expect, it } from 'vitest';
import {
  bypassesProxy,
  chooseProxy,
  parseProxySetting,
  proxyCredentials,
  proxySettingProblem,
  redactProxy,
} from '../../main/core/api/proxy.js';

const api = new URL('https://api.licensespring.com/api/v4/.well-known');

describe('the proxy setting', () => {
  it.each([
    ['system', undefined],
    ['direct', undefined],
    ['http://proxy:3128', undefined],
    ['https://user:pa%40ss@proxy.example:443', undefined],
    ['proxy:3128', 'a proxy URL must start with http:// or https://'],
    ['proxy 3128', 'must be system, direct or a proxy URL like http://proxy.example:8080'],
    ['socks5://proxy:1080', 'a proxy URL must start with http:// or https://'],
    ['http://proxy:3128/path', 'a proxy URL is only scheme, optional user:password@, host and port'],
  ])('%s: %s', (text, problem) => expect(proxySettingProblem(text)).toBe(problem));

  it('shows no credentials, and lists them for redaction (raw and decoded)', () => {
    expect(redactProxy('http://corp%5Cjane:p%40ss@proxy:3128')).toBe('http://[redacted]@proxy:3128');
    expect(redactProxy('not a url with secret')).toBe('[redacted]');
    expect(proxyCredentials('http://corp%5Cjane:p%40ss@proxy:3128')).toEqual(
      expect.arrayContaining(['corp%5Cjane', 'p%40ss', 'corp\\jane', 'p@ss']),
    );
  });
});

describe('system on Node: the environment', () => {
  const system = (env: NodeJS.ProcessEnv, target = api) => chooseProxy(target, 'system', 'default', env);

  it('HTTPS_PROXY for https, lower case first, HTTP_PROXY as fallback', () => {
    expect(system({ HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:2' })).toMatchObject({
      proxy: new URL('http://b:2'),
      source: 'system (env https_proxy)',
    });
    expect(system({ HTTP_PROXY: 'proxy.example:8080' })).toMatchObject({
      proxy: new URL('http://proxy.example:8080'),
      source: 'system (env HTTP_PROXY)',
    });
    expect(system({ HTTPS_PROXY: 'http://a:1' }, new URL('http://api.example/x'))).toMatchObject({ proxy: undefined });
    expect(system({}).source).toBe('direct (system: no HTTPS_PROXY or HTTP_PROXY set)');
  });

  it('NO_PROXY: exact names, suffixes, ports, *', () => {
    expect(bypassesProxy(api, 'licensespring.com')).toBe(true);
    expect(bypassesProxy(api, '.licensespring.com')).toBe(true);
    expect(bypassesProxy(api, '*.licensespring.com')).toBe(true);
    expect(bypassesProxy(api, 'api.licensespring.com:443')).toBe(true);
    expect(bypassesProxy(api, 'api.licensespring.com:8443')).toBe(false);
    expect(bypassesProxy(api, 'springlicense.com,example.org')).toBe(false);
    expect(bypassesProxy(api, ' example.org , * ')).toBe(true);
    expect(bypassesProxy(new URL('http://[::1]:8080/'), '::1')).toBe(true);
    expect(system({ HTTPS_PROXY: 'http://a:1', NO_PROXY: 'licensespring.com' }).source).toBe(
      'direct (system: api.licensespring.com is in NO_PROXY)',
    );
  });

  it('an explicit setting or direct ignores the environment', () => {
    const env = { HTTPS_PROXY: 'http://a:1', NO_PROXY: '*' };
    expect(chooseProxy(api, parseProxySetting('http://p:3'), 'env VARSYNC_PROXY', env)).toMatchObject({
      proxy: new URL('http://p:3'),
      source: 'proxy setting (env VARSYNC_PROXY)',
    });
    expect(chooseProxy(api, 'direct', 'flag --proxy', env)).toEqual({
      proxy: undefined,
      source: 'direct (flag --proxy)',
    });
  });
});
