// One suite over both ways a request can travel: axios's http adapter with the Node transport
// (daemon, CLI) and axios's fetch adapter with a fetch (the Electron app hands it Chromium's
// net.fetch; here Node's own fetch stands in, over the same real loopback emulator). Timeouts,
// the response-size limit and the error mapping must come out the same.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  createServerCertificate,
  startEmulator,
  type Emulator,
} from '../../emulator/index.js';
import { fetchTransport, nodeTransport, type HttpTransport } from '../../main/core/api/transport.js';
import { demoRef, failure, hmacClient, resetEmulator } from '../helpers/api.js';
import { eventually } from '../helpers/agent.js';
import { freePort } from './helpers/tinyproxy.js';

let emulator: Emulator;
let untrusted: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
  untrusted = await startEmulator({ tls: createServerCertificate(createCertificateAuthority()) });
});
afterAll(async () => {
  await emulator.close();
  await untrusted.close();
});
beforeEach(() => resetEmulator(emulator));

// Node's fetch turns a 407 into a bare network error (the fetch standard allows a 407 only from
// a proxy); Chromium names it (net::ERR_UNEXPECTED_PROXY_AUTH / ERR_TUNNEL_CONNECTION_FAILED),
// which is kind proxy: test/app/network.test.ts feeds those through the app's transport.
const TRANSPORTS: Array<[string, () => HttpTransport, { answer407: 'proxy' | 'network' }]> = [
  ['http adapter (Node transport)', () => nodeTransport({ proxy: 'direct' }), { answer407: 'proxy' }],
  [
    'fetch adapter (a fetch, as the app passes net.fetch)',
    () =>
      fetchTransport({
        fetch: (input, init) => fetch(input, init),
        describeProxy: () => Promise.resolve({ proxy: undefined, source: 'test', label: undefined }),
      }),
    { answer407: 'network' },
  ],
];

describe.each(TRANSPORTS)('%s', (_name, transport, differences) => {
  const client = (target: Emulator = emulator, options = {}) =>
    hmacClient(target, { transport: transport(), ...options });
  const track = (target?: Emulator, options?: object) =>
    client(target, options).trackDeviceVariables(demoRef(), { a: 1 });

  it('answers: a probe and an activation come back parsed', async () => {
    expect((await client().probe()).supported_api_versions).toContain('v4');
    expect((await client().activateLicense(demoRef())).license_active).toBe(true);
  });

  it('a call that gets no answer in time is network ETIMEDOUT', async () => {
    emulator.faults.setLatency(1_000);
    expect(await failure(track(emulator, { timeoutMs: 200 }))).toMatchObject({ kind: 'network', code: 'ETIMEDOUT' });
    // The emulator still answers the abandoned request after its delay: let it, before the next
    // test queues a fault that request would otherwise take.
    await eventually(
      () => emulator.requests.at(-1)?.status,
      (status) => status !== 0,
      10_000,
    );
  });

  it('an answer larger than the limit is refused as response_too_large', async () => {
    emulator.faults.respondRawNext(200, `[${'"x",'.repeat(10_000)}"x"]`);
    expect(await failure(track(emulator, { maxResponseBytes: 1_000 }))).toMatchObject({
      kind: 'server',
      code: 'response_too_large',
    });
  });

  it('a refused connection is network ECONNREFUSED', async () => {
    const closed = { url: `http://127.0.0.1:${await freePort()}` } as Emulator;
    expect(await failure(track(closed))).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
  });

  it('an untrusted certificate is tls', async () => {
    expect(await failure(track(untrusted))).toMatchObject({ kind: 'tls', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('a 407 from the path is never payload', async () => {
    await client().activateLicense(demoRef());
    emulator.faults.respondRawNext(407, '<html>Proxy Authentication Required</html>', 'text/html');
    expect(await failure(track())).toMatchObject({ kind: differences.answer407 });
  });

  it.each([
    [403, '<html>Forbidden</html>', 'credentials', 'http_403'],
    [400, '<html>Bad Request</html>', 'server', 'http_400'],
    [400, '{"status":400,"code":"validation_error","message":"Bad name."}', 'payload', 'validation_error'],
    [502, '', 'server', 'http_502'],
  ] as const)('HTTP %s %j is %s (%s)', async (status, body, kind, code) => {
    await client().activateLicense(demoRef());
    emulator.faults.respondRawNext(status, body, body.startsWith('{') ? 'application/json' : 'text/html');
    expect(await failure(track())).toMatchObject({ status, kind, code });
  });

  it('429 with Retry-After is rate_limit with the wait', async () => {
    await client().activateLicense(demoRef());
    emulator.faults.rateLimitNext(7);
    expect(await failure(track())).toMatchObject({ kind: 'rate_limit', retryAfterMs: 7_000 });
  });

  it('a connection dropped before the answer is network', async () => {
    emulator.faults.dropNext();
    expect(await failure(track())).toMatchObject({ kind: 'network' });
  });
});
