// Answers that are not what the API documents must become a clean typed error, never a crash.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { demoRef, failure, hmacClient } from '../helpers/api.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.state.load(emulator.state.seed);
  emulator.faults.clear();
  await hmacClient(emulator).activateLicense(demoRef());
});

const track = () => hmacClient(emulator).trackDeviceVariables(demoRef(), { a: 1 });
const HTML = '<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>';

describe('malformed success answers are server failures', () => {
  it.each([
    ['truncated JSON', '[{"variable":"a","value":1,"device_id":3,"created_', /not JSON/],
    ['an empty body', '', /not JSON/],
    ['an HTML page', HTML, /not JSON/],
    ['an object instead of an array', '{"variable":"a"}', /documented shape/],
    ['wrong value type', '[{"variable":"a","value":{"x":1},"device_id":3,"created_at":1}]', /documented shape/],
    ['a string device_id', '[{"variable":"a","value":1,"device_id":"3","created_at":1}]', /documented shape/],
    [
      'an unparseable created_at',
      '[{"variable":"a","value":1,"device_id":3,"created_at":"yesterday"}]',
      /documented shape/,
    ],
    ['null', 'null', /documented shape/],
  ])('%s', async (_what, body, message) => {
    emulator.faults.respondRawNext(200, body);
    const error = await failure(track());
    expect(error).toMatchObject({ status: 200, code: 'malformed_response', kind: 'server' });
    expect(error.message).toMatch(message);
  });

  it('a 200 license object missing its fields', async () => {
    emulator.faults.respondRawNext(200, '{"license_active":"yes"}');
    expect(await failure(hmacClient(emulator).checkLicense(demoRef()))).toMatchObject({
      code: 'malformed_response',
      kind: 'server',
    });
  });

  it('deactivate that does not say license_deactivated', async () => {
    emulator.faults.respondRawNext(200, 'ok', 'text/plain');
    expect(await failure(hmacClient(emulator).deactivateLicense(demoRef()))).toMatchObject({
      code: 'malformed_response',
    });
  });

  it('a 3xx (redirects are not followed) is a server failure', async () => {
    emulator.faults.respondRawNext(302, '');
    expect(await failure(track())).toMatchObject({ status: 302, kind: 'server' });
  });
});

describe('error answers without a License API error body', () => {
  it.each([
    [502, HTML, 'server'],
    [500, '', 'server'],
    [503, '{"status":503}', 'server'],
    [400, '{"status":400,"code":"x","message":"m","extra":true}', 'server'],
    [400, '<html><body>Request blocked by policy</body></html>', 'server'],
    [422, '{"error":"unprocessable"}', 'server'],
    [403, '<html><body>Access denied by the firewall</body></html>', 'credentials'],
    [404, '<html>Not found</html>', 'credentials'],
    [429, 'slow down', 'rate_limit'],
  ] as const)('%s with %j is http_%s of kind %s', async (status, body, kind) => {
    emulator.faults.respondRawNext(status, body, 'text/html');
    const error = await failure(track());
    expect(error).toMatchObject({ status, code: `http_${status}`, kind });
    expect(error.message).toBe(`The License API answered HTTP ${status} without a License API error body.`);
  });

  it('407 from a proxy on the way is kind proxy and says so', async () => {
    emulator.faults.respondRawNext(407, '<html><body>Proxy Authentication Required</body></html>', 'text/html');
    const error = await failure(track());
    expect(error).toMatchObject({ status: 407, code: 'http_407', kind: 'proxy' });
    expect(error.message).toMatch(/proxy .* asked for credentials/);
  });

  it('a License API error body with a code the agent does not know is server, not payload', async () => {
    emulator.faults.respondRawNext(400, '{"status":400,"code":"some_future_code","message":"Something new."}');
    expect(await failure(track())).toMatchObject({ status: 400, code: 'some_future_code', kind: 'server' });
  });
});

it('an answer larger than the limit is refused, not buffered', async () => {
  emulator.faults.respondRawNext(200, `[${'"x",'.repeat(10_000)}"x"]`);
  const error = await failure(
    hmacClient(emulator, { maxResponseBytes: 1_000 }).trackDeviceVariables(demoRef(), { a: 1 }),
  );
  expect(error).toMatchObject({ code: 'response_too_large', kind: 'server' });
});
