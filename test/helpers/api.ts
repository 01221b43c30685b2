// Shared fixtures for tests that talk to a real emulator over loopback.
import { LicenseApiClient, type LicenseApiClientOptions, type LicenseRef } from '../../main/core/api/client.js';
import { DEMO } from '../../emulator/index.js';
import type { Emulator } from '../../emulator/index.js';

export const HARDWARE_ID = 'test-device-0001';

export const demoRef = (hardwareId = HARDWARE_ID): LicenseRef => ({
  product: DEMO.product,
  hardwareId,
  licenseKey: DEMO.licenseKey,
});

export function hmacClient(emulator: Emulator, options: Partial<LicenseApiClientOptions> = {}): LicenseApiClient {
  return new LicenseApiClient({
    baseUrl: emulator.url,
    credentials: { type: 'hmac', apiKey: DEMO.apiKey, sharedKey: DEMO.sharedKey },
    timeoutMs: 5_000,
    ...options,
  });
}

export function oauthClient(emulator: Emulator, options: Partial<LicenseApiClientOptions> = {}): LicenseApiClient {
  return new LicenseApiClient({
    baseUrl: emulator.apiBaseUrl,
    credentials: {
      type: 'oauth',
      clientId: DEMO.clientId,
      clientSecret: DEMO.clientSecret,
      tokenUrl: emulator.tokenUrl,
    },
    timeoutMs: 5_000,
    ...options,
  });
}

/** Run a call that must fail and hand back its error. */
export async function failure<T>(call: Promise<T>): Promise<import('../../main/core/api/errors.js').LicenseApiError> {
  const { LicenseApiError } = await import('../../main/core/api/errors.js');
  try {
    await call;
  } catch (error) {
    if (error instanceof LicenseApiError) return error;
    throw new Error(`expected a LicenseApiError, got ${String(error)}`);
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Back to the seed with no faults and an empty request log, between tests sharing one emulator. */
export function resetEmulator(emulator: Emulator): void {
  emulator.state.load(emulator.state.seed);
  emulator.faults.clear();
  emulator.requests.length = 0;
}
