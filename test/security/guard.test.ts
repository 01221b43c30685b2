// The status server's guard (main/web/guard.ts) at unit level: the remote-address check that a
// real loopback test cannot reach (every connection it can make comes from 127.0.0.1), and the
// order of the checks: a request from another machine is refused even with the right Host,
// Origin and token; and where the token may come from: a Bearer header, never a cookie.
import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPeer, checkRequest, isLoopbackAddress, presentedToken } from '../../main/web/guard.js';

const PORT = 48_123;
const TOKEN = 'guard-test-token';

function request(remoteAddress: string | undefined, headers: Record<string, string> = {}): IncomingMessage {
  return {
    socket: { remoteAddress },
    headers: { host: `127.0.0.1:${PORT}`, authorization: `Bearer ${TOKEN}`, ...headers },
  } as unknown as IncomingMessage;
}

describe('the remote-address check', () => {
  it.each(['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '::ffff:127.0.0.1'])(
    'accepts loopback %s',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(true);
    },
  );

  it.each([
    '10.0.0.5',
    '192.168.1.20',
    '172.17.0.1',
    '0.0.0.0',
    '128.0.0.1',
    '::',
    'fe80::1',
    '::ffff:10.0.0.5',
    '::ffff:192.168.1.20',
    '127.0.0.1.nip.io',
    '1127.0.0.1',
    '',
    undefined,
  ])('refuses %j', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });

  it('accepts exactly 127.0.0.0/8 among all IPv4 addresses, plain or IPv4-mapped', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.boolean(), (address, mapped) => {
        const expected = address.split('.')[0] === '127';
        expect(isLoopbackAddress(mapped ? `::ffff:${address}` : address)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses every IPv6 address but ::1', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        expect(isLoopbackAddress(address)).toBe(address === '::1' || /^::ffff:127\./.test(address));
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('checkRequest', () => {
  it('lets a loopback request with our Host and the token through', () => {
    expect(checkRequest(request('127.0.0.1'), PORT, TOKEN)).toEqual({ ok: true });
    expect(checkRequest(request('::ffff:127.0.0.1', { origin: `http://localhost:${PORT}` }), PORT, TOKEN)).toEqual({
      ok: true,
    });
  });

  it('refuses a request from another machine first, even with the right Host, Origin and token', () => {
    const verdict = checkRequest(request('192.168.1.20', { origin: `http://127.0.0.1:${PORT}` }), PORT, TOKEN);
    expect(verdict).toEqual({ ok: false, status: 403, error: 'only this machine may use the status page' });
    expect(checkRequest(request(undefined), PORT, TOKEN)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a foreign Host, a foreign Origin and a missing or wrong token, each with its own answer', () => {
    expect(checkRequest(request('127.0.0.1', { host: `rebind.example:${PORT}` }), PORT, TOKEN)).toMatchObject({
      ok: false,
      status: 421,
    });
    expect(checkRequest(request('127.0.0.1', { host: `127.0.0.1:${PORT + 1}` }), PORT, TOKEN)).toMatchObject({
      ok: false,
      status: 421,
    });
    expect(checkRequest(request('127.0.0.1', { origin: 'http://evil.example' }), PORT, TOKEN)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(checkRequest(request('127.0.0.1', { origin: `https://127.0.0.1:${PORT}` }), PORT, TOKEN)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(checkRequest(request('127.0.0.1', { origin: 'null' }), PORT, TOKEN)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(checkRequest(request('127.0.0.1', { authorization: '' }), PORT, TOKEN)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(checkRequest(request('127.0.0.1', { authorization: `Bearer ${TOKEN}x` }), PORT, TOKEN)).toMatchObject({
      ok: false,
      status: 401,
    });
  });
});

describe('where the token is taken from', () => {
  it('only a Bearer header: the right token in a cookie (or any other header) is not a token', () => {
    const cookieOnly = request('127.0.0.1', { authorization: '', cookie: `varsync_token=${TOKEN}` });
    expect(presentedToken(cookieOnly)).toBeUndefined();
    expect(checkRequest(cookieOnly, PORT, TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(request('127.0.0.1', { authorization: `Basic ${TOKEN}` }), PORT, TOKEN)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(checkRequest(request('127.0.0.1', { authorization: `bearer ${TOKEN}` }), PORT, TOKEN)).toEqual({ ok: true });
  });
});

describe('checkPeer (the public shell)', () => {
  it('needs no token, but the same loopback, Host and Origin rules', () => {
    expect(checkPeer(request('127.0.0.1', { authorization: '' }), PORT)).toEqual({ ok: true });
    expect(checkPeer(request('10.0.0.5', { authorization: '' }), PORT)).toMatchObject({ ok: false, status: 403 });
    expect(checkPeer(request('127.0.0.1', { host: `rebind.example:${PORT}` }), PORT)).toMatchObject({
      ok: false,
      status: 421,
    });
    expect(checkPeer(request('127.0.0.1', { origin: 'http://evil.example' }), PORT)).toMatchObject({
      ok: false,
      status: 403,
    });
  });
});
