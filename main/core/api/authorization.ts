// The two ways a configuration authorizes its calls: API key + shared key (HMAC over the Date
// header) or OAuth client credentials (a Bearer token, cached until shortly before it expires).
import type { OAuthToken } from '../../../shared/wire.js';
import { hmacAuthorization } from './signing.js';

export const DEFAULT_OAUTH_TOKEN_URL =
  'https://auth.licensespring.com/realms/user-portal/protocol/openid-connect/token';

export type ApiCredentials =
  | { type: 'hmac'; apiKey: string; sharedKey: string }
  | { type: 'oauth'; clientId: string; clientSecret: string; tokenUrl?: string };

export interface Authorizer {
  /** The Authorization header value for a request sent with this Date header. */
  authorization(dateHeader: string): Promise<string>;
  /** Forget a token the server refused; true when asking again may help. */
  discardToken(): boolean;
}

export class HmacAuthorizer implements Authorizer {
  constructor(private readonly credentials: { apiKey: string; sharedKey: string }) {}

  async authorization(dateHeader: string): Promise<string> {
    return hmacAuthorization(this.credentials.apiKey, this.credentials.sharedKey, dateHeader);
  }

  discardToken(): boolean {
    return false;
  }
}

/**
 * Caches one token. It is renewed when less than a fifth of its lifetime (at most a minute) is
 * left, so a request never leaves with a token about to expire; concurrent callers share one fetch.
 */
export class OAuthAuthorizer implements Authorizer {
  private token: { value: string; renewAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly requestToken: () => Promise<OAuthToken>,
    private readonly now: () => number,
  ) {}

  async authorization(): Promise<string> {
    return `Bearer ${await this.accessToken()}`;
  }

  discardToken(): boolean {
    this.token = undefined;
    return true;
  }

  private accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return Promise.resolve(this.token.value);
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const issuedAt = this.now();
    const token = await this.requestToken();
    const lifetimeMs = token.expires_in * 1000;
    const margin = Math.min(60_000, lifetimeMs / 5);
    this.token = { value: token.access_token, renewAt: issuedAt + lifetimeMs - margin };
    return token.access_token;
  }
}
