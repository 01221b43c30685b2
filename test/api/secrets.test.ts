// The client never logs, nor puts into an error, a shared key, client secret, license key or password.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { LicenseApiClient, type ApiLogger, type LicenseRef } from '../../main/core/api/client.js';
import { LicenseApiError } from '../../main/core/api/errors.js';

const SECRETS = {
  sharedKey: 'sk-9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  clientSecret: 'cs-0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  licenseKey: 'LK-SECRET-7777-8888-9999',
  password: 'pw-correct-horse-battery-staple',
};

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    seed: {
      products: [
        { code: 'keyed', authorization: 'key' },
        { code: 'users', authorization: 'user' },
      ],
      apiKeys: [{ apiKey: 'public-api-key', sharedKey: SECRETS.sharedKey }],
      oauthClients: [{ clientId: 'client', clientSecret: SECRETS.clientSecret }],
      licenses: [
        { product: 'keyed', key: SECRETS.licenseKey, maxActivations: 2 },
        { product: 'users', username: 'user@example.com', password: SECRETS.password },
      ],
    },
  });
});
afterAll(() => emulator.close());

describe('secrets stay out of logs and errors', () => {
  it('across successes and every kind of failure, for both schemes', async () => {
    const lines: string[] = [];
    const logger: ApiLogger = { debug: (line) => lines.push(line), warn: (line) => lines.push(line) };
    const errors: unknown[] = [];
    const attempt = async (call: Promise<unknown>) => {
      try {
        await call;
      } catch (error) {
        errors.push(error);
      }
    };
    const keyed: LicenseRef = { product: 'keyed', hardwareId: 'hw-1', licenseKey: SECRETS.licenseKey };
    const users: LicenseRef = { product: 'users', hardwareId: 'hw-1', username: 'user@example.com' };
    const hmac = new LicenseApiClient({
      baseUrl: emulator.url,
      credentials: { type: 'hmac', apiKey: 'public-api-key', sharedKey: SECRETS.sharedKey },
      logger,
      timeoutMs: 300,
    });
    const oauth = new LicenseApiClient({
      baseUrl: emulator.url,
      credentials: {
        type: 'oauth',
        clientId: 'client',
        clientSecret: SECRETS.clientSecret,
        tokenUrl: emulator.tokenUrl,
      },
      logger,
    });
    const badOauth = new LicenseApiClient({
      baseUrl: emulator.url,
      credentials: {
        type: 'oauth',
        clientId: 'client',
        clientSecret: `${SECRETS.clientSecret}-wrong`,
        tokenUrl: emulator.tokenUrl,
      },
      logger,
    });

    await attempt(hmac.trackDeviceVariables(keyed, { a: 1 })); // device_not_found
    await attempt(hmac.activateLicense(keyed));
    await attempt(hmac.trackDeviceVariables(keyed, { a: 1 }));
    await attempt(hmac.getDeviceVariables(keyed)); // a GET: the license key travels in the query string
    await attempt(hmac.activateLicense(users, { password: 'wrong' }));
    await attempt(hmac.activateLicense(users, { password: SECRETS.password }));
    await attempt(oauth.checkLicense(keyed));
    await attempt(badOauth.checkLicense(keyed));
    emulator.faults.add({
      type: 'raw',
      status: 400,
      body: JSON.stringify({
        status: 400,
        code: 'license_not_found',
        message: `License ${SECRETS.licenseKey} not found`,
      }),
    });
    await attempt(hmac.checkLicense(keyed));
    emulator.faults.add({
      type: 'raw',
      status: 400,
      body: JSON.stringify({ status: 400, code: 'validation_error', message: `bad password ${SECRETS.password}` }),
    });
    await attempt(hmac.activateLicense(users, { password: SECRETS.password }));
    emulator.faults.setClockSkew(60 * 60 * 1000);
    await attempt(hmac.checkLicense(keyed));
    emulator.faults.clear();
    emulator.faults.setLatency(600);
    await attempt(hmac.getDeviceVariables(keyed)); // timeout
    emulator.faults.clear();
    emulator.faults.dropNext();
    await attempt(hmac.getDeviceVariables(keyed));

    expect(errors.length).toBeGreaterThanOrEqual(7);
    expect(lines.length).toBeGreaterThanOrEqual(13);
    const kinds = new Set(errors.map((error) => (error as LicenseApiError).kind));
    expect(kinds).toEqual(new Set(['device', 'license', 'credentials', 'payload', 'clock', 'network']));

    const everything = [
      ...lines,
      ...errors.flatMap((error) => [
        String(error),
        (error as Error).stack ?? '',
        JSON.stringify(error),
        inspect(error, { depth: 5 }),
      ]),
    ].join('\n');
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(everything.includes(secret), `${name} leaked`).toBe(false);
    }
    expect(everything).toContain('[redacted]');
  });

  it('also in the encodings a server may echo them in (base64 inside a longer text, hex)', async () => {
    const client = new LicenseApiClient({
      baseUrl: emulator.url,
      credentials: { type: 'hmac', apiKey: 'public-api-key', sharedKey: SECRETS.sharedKey },
    });
    const keyed: LicenseRef = { product: 'keyed', hardwareId: 'hw-1', licenseKey: SECRETS.licenseKey };
    const echoed = [
      Buffer.from(`key=${SECRETS.sharedKey}`).toString('base64'),
      Buffer.from(SECRETS.licenseKey).toString('hex'),
    ];
    emulator.faults.add({
      type: 'raw',
      status: 400,
      body: JSON.stringify({ status: 400, code: 'license_not_found', message: `echo ${echoed.join(' ')}` }),
      // Only this call's: the first test's timed-out request may still be on its way in the emulator.
      only: ['check_license'],
    });
    const error = await client.checkLicense(keyed).then(
      () => undefined,
      (failure: unknown) => failure as LicenseApiError,
    );
    expect(error?.code).toBe('license_not_found');
    for (const form of echoed) expect(error?.message).not.toContain(form);
    expect(error?.message).toMatch(/^echo \S*\[redacted\]\S* \[redacted\]$/);
  });
});
