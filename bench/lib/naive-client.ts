// The naive client the agent is compared with: one track_device_variables request per set, sent
// one after the other, on a device activated beforehand (not timed: the agent's is not either).
import { LicenseApiClient, type LicenseRef } from '../../main/core/api/client.js';
import type { VariableValue } from '../../shared/wire.js';
import { LICENSE } from './setup.js';
import { msSince } from './stats.js';

export interface NaiveClient {
  client: LicenseApiClient;
  ref: LicenseRef;
}

export async function activatedNaiveClient(apiUrl: string, hardwareId: string): Promise<NaiveClient> {
  const client = new LicenseApiClient({
    baseUrl: apiUrl,
    credentials: { type: 'hmac', apiKey: LICENSE.apiKey, sharedKey: LICENSE.sharedKey },
  });
  const ref: LicenseRef = { product: LICENSE.product, licenseKey: LICENSE.licenseKey, hardwareId };
  await client.activateLicense(ref);
  return { client, ref };
}

/** Sets number `first` to `last - 1`, one request each, in order; returns ms per request. */
export async function timeOneRequestPerSet(
  { client, ref }: NaiveClient,
  first: number,
  last: number,
  variable: (index: number) => [name: string, value: VariableValue],
): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = first; index < last; index++)
    await client.trackDeviceVariables(ref, Object.fromEntries([variable(index)]));
  return msSince(started) / (last - first);
}
