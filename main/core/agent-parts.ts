// What the agent's parts are built with, read from the resolved configuration: the License API
// client (HMAC or OAuth), the license and device every call is about, and the sync engine's
// settings. The agent composes them (agent.ts).
import type { Logger } from './log.js';
import type { LicenseRef } from './api/client.js';
import { LazyLicenseApiClient } from './api/lazy-client.js';
import type { HttpTransport } from './api/transport.js';
import { serverSettingsProblem, type ResolvedConfig, type ResolvedValues } from './config/resolve.js';
import { sensitiveValues } from './log/redaction.js';
import type { SyncEngineOptions } from './sync/engine.js';

/** The client, or undefined when the configuration lacks what talking to the server needs. */
export function apiClientFor(
  config: ResolvedConfig,
  parts: { transport: HttpTransport; log: Logger; now: () => number },
): LazyLicenseApiClient | undefined {
  if (serverSettingsProblem(config)) return undefined;
  const values = config.values;
  return new LazyLicenseApiClient({
    baseUrl: values.apiUrl,
    credentials:
      values.apiKey !== undefined
        ? { type: 'hmac', apiKey: values.apiKey, sharedKey: values.sharedKey! }
        : {
            type: 'oauth',
            clientId: values.clientId!,
            clientSecret: values.clientSecret!,
            tokenUrl: values.tokenUrl,
          },
    timeoutMs: values.requestTimeoutMs,
    responsePublicKey: values.responsePublicKey,
    transport: parts.transport,
    logger: parts.log,
    now: parts.now,
    // A server that echoes a secret in an error must not put it in status, history or the window.
    secrets: sensitiveValues(config),
  });
}

/** A configured product and the device's hardware ID are the caller's to check. */
export function licenseRefFor(values: ResolvedValues, hardwareId: string): LicenseRef {
  return {
    product: values.product!,
    hardwareId,
    licenseKey: values.licenseKey,
    username: values.licenseKey === undefined ? values.username : undefined,
    licenseId: values.licenseId,
    bundleCode: values.bundleCode,
  };
}

export type EngineSettings = Pick<
  SyncEngineOptions,
  'activation' | 'batchSize' | 'backoff' | 'intervalMs' | 'recheckMs' | 'debounceMs' | 'fleetSpreadMs'
>;

export function engineSettingsFor(values: ResolvedValues): EngineSettings {
  return {
    activation: {
      allowed: values.autoActivate ?? (values.licenseKey !== undefined || values.username !== undefined),
      password: values.password,
    },
    batchSize: values.batchSize,
    backoff: { baseMs: values.retryBaseMs, maxMs: values.retryMaxMs },
    intervalMs: values.syncIntervalSeconds * 1000,
    recheckMs: values.recheckSeconds * 1000,
    debounceMs: values.debounceMs,
    fleetSpreadMs: values.fleetSpreadSeconds * 1000,
  };
}
