// The License API client, loaded on first use: the HTTP client (axios) and the API's wire schemas
// (zod) are a large part of the command's start-up, and `varsync set`, `get` and `status` never
// send anything. Every call is asynchronous, so the first one loads the client's module and
// creates it; the engine and the agent hold this stand-in from the start.
import type { LicenseApiClient, LicenseApiClientOptions } from './client.js';
import type { EngineClient } from '../sync/engine.js';

export class LazyLicenseApiClient implements EngineClient {
  private client: LicenseApiClient | undefined;
  private loading: Promise<LicenseApiClient> | undefined;

  constructor(private readonly options: LicenseApiClientOptions) {}

  /** How requests reach the network: the one given (the agent always gives its configured one). */
  get transport(): LicenseApiClientOptions['transport'] {
    return this.options.transport;
  }

  /** Server clock minus device clock, once an answer came (none before the first call). */
  get clockOffsetMs(): number | undefined {
    return this.client?.clockOffsetMs;
  }

  probe(...args: Parameters<LicenseApiClient['probe']>): ReturnType<LicenseApiClient['probe']> {
    return this.loaded().then((client) => client.probe(...args));
  }

  trackDeviceVariables(
    ...args: Parameters<LicenseApiClient['trackDeviceVariables']>
  ): ReturnType<LicenseApiClient['trackDeviceVariables']> {
    return this.loaded().then((client) => client.trackDeviceVariables(...args));
  }

  activateLicense(
    ...args: Parameters<LicenseApiClient['activateLicense']>
  ): ReturnType<LicenseApiClient['activateLicense']> {
    return this.loaded().then((client) => client.activateLicense(...args));
  }

  private loaded(): Promise<LicenseApiClient> {
    this.loading ??= import('./client.js').then(
      ({ LicenseApiClient }) => (this.client = new LicenseApiClient(this.options)),
    );
    return this.loading;
  }
}
