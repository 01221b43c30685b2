// The License API client against the real emulator over loopback HTTP: every endpoint, both
// authorization schemes, every fault the emulator injects.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOCUMENTED_ERROR_CODES, DOCUMENTED_ERRORS } from '../../shared/api-error-codes.js';
import { DEMO, demoSeed, startEmulator, type Emulator } from '../../emulator/index.js';
import { classifyFailure } from '../../main/core/api/errors.js';
import { LicenseApiClient } from '../../main/core/api/client.js';
import { demoRef, failure, hmacClient, oauthClient, HARDWARE_ID, resetEmulator } from '../helpers/api.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  resetEmulator(emulator);
});
afterEach(() => {
  expect(emulator.selfCheckFailures).toEqual([]);
});

describe('endpoints (HMAC)', () => {
  it('probes /.well-known without authorization', async () => {
    const wellKnown = await hmacClient(emulator).probe();
    expect(wellKnown.api_base_url).toBe(emulator.apiBaseUrl);
    expect(wellKnown.supported_api_versions).toContain('v4');
  });

  it('refuses to track before activation, then tracks after it', async () => {
    const client = hmacClient(emulator);
    const before = await failure(client.trackDeviceVariables(demoRef(), { color: 'blue' }));
    expect(before).toMatchObject({ status: 400, code: 'device_not_found', kind: 'device' });

    const license = await client.activateLicense(demoRef());
    expect(license.license_enabled).toBe(true);
    expect(license.times_activated).toBe(1);

    const tracked = await client.trackDeviceVariables(demoRef(), { color: 'blue', seats: 3, beta: true });
    expect(tracked.map(({ name, value }) => [name, value])).toEqual([
      ['color', 'blue'],
      ['seats', 3],
      ['beta', true],
    ]);
    expect(tracked[0]!.deviceId).toBe(license.device_id);
    expect(Math.abs(tracked[0]!.createdAt - Date.now())).toBeLessThan(60_000);
  });

  it('overwrites a variable of the same name and keeps the others', async () => {
    const client = hmacClient(emulator);
    await client.activateLicense(demoRef());
    await client.trackDeviceVariables(demoRef(), { color: 'blue', seats: 3 });
    await client.trackDeviceVariables(demoRef(), { color: 'red' });
    const variables = await client.getDeviceVariables(demoRef());
    expect(Object.fromEntries(variables.map(({ name, value }) => [name, value]))).toEqual({ color: 'red', seats: 3 });
  });

  it('sets variables at activation', async () => {
    const client = hmacClient(emulator);
    await client.activateLicense(demoRef(), {
      variables: { installed_by: 'setup.exe' },
      device: { hostname: 'pc-1', osVer: 'Linux' },
    });
    expect(emulator.state.variablesOf(DEMO.product, HARDWARE_ID)).toEqual({ installed_by: 'setup.exe' });
    expect(emulator.requests.at(-1)!.variables).toEqual({ installed_by: 'setup.exe' });
  });

  it('checks and deactivates a license', async () => {
    const client = hmacClient(emulator);
    await client.activateLicense(demoRef());
    const checked = await client.checkLicense(demoRef());
    expect(checked.license_active).toBe(true);
    await client.deactivateLicense(demoRef());
    expect(await failure(client.checkLicense(demoRef()))).toMatchObject({ code: 'device_not_found', kind: 'device' });
  });

  it('parses the older variable shape (id and ISO created_at)', async () => {
    emulator.state.load({ ...emulator.state.seed, legacyVariableFormat: true });
    const client = hmacClient(emulator);
    await client.activateLicense(demoRef());
    const [variable] = await client.trackDeviceVariables(demoRef(), { color: 'blue' });
    expect(typeof variable!.createdAt).toBe('number');
    expect(Math.abs(variable!.createdAt - Date.now())).toBeLessThan(60_000);
  });

  it('accepts a base URL with or without /api/v4 and a trailing slash', async () => {
    for (const baseUrl of [emulator.url, `${emulator.url}/`, emulator.apiBaseUrl, `${emulator.apiBaseUrl}/`]) {
      const client = hmacClient(emulator, { baseUrl });
      expect(client.apiBaseUrl).toBe(emulator.apiBaseUrl);
      await client.probe();
    }
  });

  it('refuses a base URL that is not http(s) with a clear message', () => {
    expect(() => hmacClient(emulator, { baseUrl: 'ftp://example.com' })).toThrow(/must start with https:\/\//);
    expect(() => hmacClient(emulator, { baseUrl: 'not a url' })).toThrow(/is not a URL/);
  });

  it('works with user-based licenses (username + password)', async () => {
    const client = hmacClient(emulator);
    const ref = { product: DEMO.userProduct, hardwareId: HARDWARE_ID, username: DEMO.username };
    const wrong = await failure(client.activateLicense(ref, { password: 'wrong' }));
    expect(wrong).toMatchObject({ code: 'license_not_found', kind: 'license' });
    await client.activateLicense(ref, { password: DEMO.password });
    await client.trackDeviceVariables(ref, { plan: 'team' });
    expect(emulator.state.variablesOf(DEMO.userProduct, HARDWARE_ID)).toEqual({ plan: 'team' });
  });
});

describe('state-driven errors', () => {
  const activated = async (client: LicenseApiClient) => {
    await client.activateLicense(demoRef());
    return client;
  };

  it('license_not_enabled and license_not_active are license failures, and clear when the license is fixed', async () => {
    const client = await activated(hmacClient(emulator));
    emulator.state.changeLicense({ product: DEMO.product, licenseKey: DEMO.licenseKey }, { enabled: false });
    expect(await failure(client.trackDeviceVariables(demoRef(), { a: 1 }))).toMatchObject({
      code: 'license_not_enabled',
      kind: 'license',
    });
    emulator.state.changeLicense(
      { product: DEMO.product, licenseKey: DEMO.licenseKey },
      { enabled: true, active: false },
    );
    expect(await failure(client.trackDeviceVariables(demoRef(), { a: 1 }))).toMatchObject({
      code: 'license_not_active',
      kind: 'license',
    });
    emulator.state.changeLicense({ product: DEMO.product, licenseKey: DEMO.licenseKey }, { active: true });
    await client.trackDeviceVariables(demoRef(), { a: 1 });
  });

  it('blacklisted is a device failure', async () => {
    const client = await activated(hmacClient(emulator));
    emulator.state.setBlacklisted(DEMO.product, HARDWARE_ID, true);
    expect(await failure(client.trackDeviceVariables(demoRef(), { a: 1 }))).toMatchObject({
      code: 'blacklisted',
      kind: 'device',
    });
    await client.activateLicense(demoRef('another-device')); // the blacklist is per hardware ID
  });

  it('unknown_product, license_not_found and missing_parameters point at configuration', async () => {
    const client = hmacClient(emulator);
    expect(await failure(client.trackDeviceVariables({ ...demoRef(), product: 'nope' }, { a: 1 }))).toMatchObject({
      code: 'unknown_product',
      kind: 'credentials',
    });
    expect(await failure(client.trackDeviceVariables({ ...demoRef(), licenseKey: 'NOPE' }, { a: 1 }))).toMatchObject({
      code: 'license_not_found',
      kind: 'license',
    });
    expect(await failure(client.trackDeviceVariables({ ...demoRef(), licenseKey: undefined }, { a: 1 }))).toMatchObject(
      {
        code: 'missing_parameters',
        kind: 'credentials',
      },
    );
  });

  it('license_activated_max_times past max_activations, and trial_expired', async () => {
    emulator.state.changeLicense({ product: DEMO.product, licenseKey: DEMO.licenseKey }, { maxActivations: 1 });
    const client = hmacClient(emulator);
    await client.activateLicense(demoRef('device-a'));
    await client.activateLicense(demoRef('device-a')); // again on the same device: no new seat
    expect(await failure(client.activateLicense(demoRef('device-b')))).toMatchObject({
      code: 'license_activated_max_times',
      kind: 'license',
    });
    emulator.state.changeLicense({ product: DEMO.product, licenseKey: DEMO.licenseKey }, { trialExpired: true });
    expect(await failure(client.activateLicense(demoRef('device-c')))).toMatchObject({
      code: 'trial_expired',
      kind: 'license',
    });
  });

  it('validation_error names the refused variable and changes nothing', async () => {
    emulator.state.load({ ...emulator.state.seed, validation: { rejectNames: ['bad name'] } });
    const client = await activated(hmacClient(emulator));
    const error = await failure(client.trackDeviceVariables(demoRef(), { good: 1, 'bad name': 2 }));
    expect(error).toMatchObject({ code: 'validation_error', kind: 'payload' });
    expect(error.message).toContain('bad name');
    expect(emulator.state.variablesOf(DEMO.product, HARDWARE_ID)).toEqual({});
  });

  it('credential failures: wrong shared key, unknown, revoked, read-only and product-limited API keys', async () => {
    const seed = demoSeed();
    emulator.state.load(
      (await import('../../emulator/index.js')).parseSeed({
        ...seed,
        apiKeys: [
          ...seed.apiKeys!,
          { apiKey: 'revoked', sharedKey: 's', revoked: true },
          { apiKey: 'reader', sharedKey: 's', readOnly: true },
          { apiKey: 'other-product', sharedKey: 's', products: ['something-else'] },
        ],
      }),
    );
    const withKey = (apiKey: string, sharedKey = 's') =>
      hmacClient(emulator, { credentials: { type: 'hmac', apiKey, sharedKey } });
    const cases: Array<[LicenseApiClient, string]> = [
      [withKey(DEMO.apiKey, 'wrong-shared-key'), 'signature_mismatch'],
      [withKey('nobody'), 'invalid_api_key'],
      [withKey('revoked'), 'revoked_api_key'],
      [withKey('reader'), 'read_only_api_key'],
      [withKey('other-product'), 'api_key_product_not_allowed'],
    ];
    for (const [client, code] of cases) {
      expect(await failure(client.activateLicense(demoRef()))).toMatchObject({ code, kind: 'credentials' });
    }
    // A read-only key may still read.
    await hmacClient(emulator).activateLicense(demoRef());
    await withKey('reader').checkLicense(demoRef());
  });
});

describe('every documented error code over HTTP', () => {
  it.each(DOCUMENTED_ERROR_CODES)('%s arrives as a typed error of the right kind', async (code) => {
    emulator.faults.failNext(DOCUMENTED_ERRORS[code].status, 1, code);
    const error = await failure(hmacClient(emulator).checkLicense(demoRef()));
    expect(error).toMatchObject({
      status: DOCUMENTED_ERRORS[code].status,
      code,
      kind: classifyFailure(DOCUMENTED_ERRORS[code].status, code),
    });
    expect(error.message).toBe('Injected failure.');
  });
});

describe('faults', () => {
  it('5xx is a server failure', async () => {
    emulator.faults.failNext(503);
    expect(await failure(hmacClient(emulator).probe())).toMatchObject({ status: 503, kind: 'server' });
    await hmacClient(emulator).probe();
  });

  it('429 carries Retry-After', async () => {
    emulator.faults.rateLimitNext(17);
    const error = await failure(hmacClient(emulator).checkLicense(demoRef()));
    expect(error).toMatchObject({ status: 429, kind: 'rate_limit', retryAfterMs: 17_000 });
  });

  it('a connection destroyed before the server acted is a network failure and changes nothing', async () => {
    const client = hmacClient(emulator);
    await client.activateLicense(demoRef());
    emulator.faults.dropNext(1, 'before');
    expect(await failure(client.trackDeviceVariables(demoRef(), { a: 1 }))).toMatchObject({ kind: 'network' });
    expect(emulator.state.variablesOf(DEMO.product, HARDWARE_ID)).toEqual({});
  });

  it('a connection destroyed after the server acted is a network failure, and the write stands', async () => {
    const client = hmacClient(emulator);
    await client.activateLicense(demoRef());
    emulator.faults.dropNext(1, 'after');
    expect(await failure(client.trackDeviceVariables(demoRef(), { a: 1 }))).toMatchObject({ kind: 'network' });
    expect(emulator.state.variablesOf(DEMO.product, HARDWARE_ID)).toEqual({ a: 1 });
  });

  it('latency beyond the timeout is a network failure named as a timeout', async () => {
    emulator.faults.setLatency(400);
    const error = await failure(hmacClient(emulator, { timeoutMs: 100 }).probe());
    expect(error).toMatchObject({ kind: 'network', code: 'ETIMEDOUT' });
    expect(error.message).toMatch(/no answer in time/);
  });

  it('random latency within a range still answers', async () => {
    emulator.faults.setLatency(5, 30);
    const started = Date.now();
    await hmacClient(emulator).probe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(4);
  });

  it('a refused connection is a network failure', async () => {
    const closed = await startEmulator();
    const url = closed.url;
    await closed.close();
    const error = await failure(hmacClient(emulator, { baseUrl: url }).probe());
    expect(error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
    expect(error.message).toContain('connection was refused');
  });

  it('a skewed server clock gives date_header_diff with the measured offset', async () => {
    const skew = 22 * 60 * 1000;
    emulator.faults.setClockSkew(skew);
    const error = await failure(hmacClient(emulator).checkLicense(demoRef()));
    expect(error).toMatchObject({ code: 'date_header_diff', kind: 'clock' });
    expect(Math.abs(error.clockOffsetMs! - skew)).toBeLessThan(2_000);
  });

  it('a device clock that is wrong is measured the same way (fake client clock)', async () => {
    const behind = -30 * 60 * 1000;
    const client = hmacClient(emulator, { now: () => Date.now() + behind });
    const error = await failure(client.checkLicense(demoRef()));
    expect(error.kind).toBe('clock');
    expect(Math.abs(error.clockOffsetMs! + behind)).toBeLessThan(2_000);
    expect(Math.abs(client.clockOffsetMs! + behind)).toBeLessThan(2_000);
  });

  it('a skew within 15 minutes is accepted', async () => {
    emulator.faults.setClockSkew(14 * 60 * 1000);
    const client = hmacClient(emulator);
    await client.activateLicense(demoRef());
  });

  it('faults can be limited to one endpoint', async () => {
    emulator.faults.add({ type: 'status', status: 500, only: ['track_device_variables'] });
    const client = hmacClient(emulator);
    await client.probe();
    await client.activateLicense(demoRef());
    expect(await failure(client.trackDeviceVariables(demoRef(), { a: 1 }))).toMatchObject({ kind: 'server' });
  });
});

describe('OAuth client credentials', () => {
  it('fetches one token and reuses it', async () => {
    const client = oauthClient(emulator);
    await client.activateLicense(demoRef());
    await client.trackDeviceVariables(demoRef(), { a: 1 });
    await client.getDeviceVariables(demoRef());
    expect(emulator.requests.filter((entry) => entry.endpoint === 'token')).toHaveLength(1);
  });

  it('renews the token once when the server says it expired, and the call succeeds', async () => {
    const client = oauthClient(emulator);
    await client.activateLicense(demoRef());
    emulator.tokens.expireAll(emulator.now());
    await client.trackDeviceVariables(demoRef(), { a: 1 });
    const endpoints = emulator.requests.map((entry) => `${entry.endpoint}:${entry.code ?? entry.status}`);
    expect(endpoints).toEqual([
      'token:200',
      'activate_license:200',
      'track_device_variables:oauth_token_expired',
      'token:200',
      'track_device_variables:200',
    ]);
  });

  it('retries only once: a second refusal reaches the caller', async () => {
    emulator.faults.add({
      type: 'status',
      status: 401,
      code: 'oauth_token_malformed',
      count: 2,
      only: ['check_license'],
    });
    const error = await failure(oauthClient(emulator).checkLicense(demoRef()));
    expect(error).toMatchObject({ code: 'oauth_token_malformed', kind: 'credentials' });
    expect(emulator.requests.filter((entry) => entry.endpoint === 'check_license')).toHaveLength(2);
  });

  it('bad client credentials are a credentials failure', async () => {
    const client = oauthClient(emulator, {
      credentials: { type: 'oauth', clientId: DEMO.clientId, clientSecret: 'wrong', tokenUrl: emulator.tokenUrl },
    });
    const error = await failure(client.checkLicense(demoRef()));
    expect(error).toMatchObject({ status: 401, code: 'invalid_client', kind: 'credentials' });
  });

  it('an unreachable token endpoint is a network failure', async () => {
    const client = oauthClient(emulator, {
      credentials: {
        type: 'oauth',
        clientId: DEMO.clientId,
        clientSecret: DEMO.clientSecret,
        tokenUrl: 'http://127.0.0.1:1/token',
      },
    });
    expect(await failure(client.checkLicense(demoRef()))).toMatchObject({ kind: 'network' });
  });
});

describe('response signatures', () => {
  it('verifies LicenseSignature with the configured public key', async () => {
    const client = hmacClient(emulator, { responsePublicKey: emulator.publicKey });
    await client.probe();
    await client.activateLicense(demoRef());
    await client.trackDeviceVariables(demoRef(), { a: 1 });
  });

  it('refuses answers that do not verify', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const error = await failure(hmacClient(emulator, { responsePublicKey: otherKey }).probe());
    expect(error).toMatchObject({ code: 'response_signature_invalid', kind: 'server' });
  });
});
