// The License API client: one method per endpoint the agent uses, every call signed, timed out,
// validated against the wire schemas and turned into a LicenseApiError on any failure.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import {
  DEACTIVATED_ANSWER,
  deviceVariablesResponseSchema,
  licenseObjectSchema,
  oauthTokenSchema,
  toDeviceVariable,
  wellKnownSchema,
  type DeviceVariable,
  type LicenseObject,
  type OAuthToken,
  type VariablesObject,
  type WellKnown,
} from '../../../shared/wire.js';
import {
  DEFAULT_OAUTH_TOKEN_URL,
  HmacAuthorizer,
  OAuthAuthorizer,
  type ApiCredentials,
  type Authorizer,
} from './authorization.js';
import { LicenseApiError, parseRetryAfter } from './errors.js';
import {
  apiRefusal,
  checkResponseSignature,
  describeParseFailure,
  header,
  json,
  malformedAnswer,
  oauthRefusal,
  proxyRefusal,
  safeJson,
} from './answers.js';
import { networkFailure } from './network-failure.js';
import {
  activationBody,
  identification,
  normalizeBaseUrl,
  secretsOf,
  secretsOfRef,
  withoutUndefined,
  type ActivationRequest,
  type LicenseRef,
} from './requests.js';
import { httpDate } from './signing.js';
import { nodeTransport, type HttpTransport } from './transport.js';
import { Redactor } from '../log/redaction.js';

export type { ActivationRequest, DeviceFacts, LicenseRef } from './requests.js';

export interface ApiLogger {
  debug(message: string): void;
  warn(message: string): void;
}

export interface LicenseApiClientOptions {
  /** `https://api.licensespring.com`, with or without `/api/v4`; any host (emulator, on-premises, proxy). */
  baseUrl: string;
  credentials: ApiCredentials;
  /** Per-call limit, connection included. */
  timeoutMs?: number;
  /** The device clock, in epoch milliseconds; tests pass a fake one. */
  now?: () => number;
  logger?: ApiLogger;
  /** PEM public key: when set, every answer must carry a valid `LicenseSignature`. */
  responsePublicKey?: string;
  /** Larger answers are refused rather than buffered. */
  maxResponseBytes?: number;
  userAgent?: string;
  /** How requests reach the network (proxy, trusted roots; Chromium's fetch in the app). Default: Node, `system` proxy. */
  transport?: HttpTransport;
  /** Every other secret the caller knows (the configuration's password, license key...): none may come back in a message, even from a call that did not carry it. */
  secrets?: string[];
}

export const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const TOKEN_REFUSED_CODES = new Set(['oauth_token_expired', 'oauth_token_malformed']);

interface CallSpec<T> {
  method: 'GET' | 'POST';
  endpoint: string;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
  authorized: boolean;
  parse: (body: string) => T;
  /** Per-call secrets (license key, password) that must never come back in a message. */
  secrets?: string[];
  /** This call's logger (a sync attempt's, with its correlation ID); the client's own otherwise. */
  log?: ApiLogger;
}

export class LicenseApiClient {
  readonly apiBaseUrl: string;
  private readonly http: AxiosInstance;
  private readonly authorizer: Authorizer;
  private readonly now: () => number;
  private readonly logger: ApiLogger | undefined;
  /** Server messages are shown and logged: none of our secrets may come back in one, in any encoding. */
  private readonly redactor: Redactor;
  private readonly timeoutMs: number;
  readonly transport: HttpTransport;
  private offsetMs: number | undefined;

  constructor(private readonly options: LicenseApiClientOptions) {
    this.apiBaseUrl = normalizeBaseUrl(options.baseUrl);
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.redactor = new Redactor([...secretsOf(options.credentials), ...(options.secrets ?? [])]);
    this.transport = options.transport ?? nodeTransport();
    this.http = axios.create({
      timeout: this.timeoutMs,
      maxContentLength: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      maxRedirects: 0,
      responseType: 'arraybuffer',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
      headers: { 'User-Agent': options.userAgent ?? 'varsync' },
    });
    const credentials = options.credentials;
    this.authorizer =
      credentials.type === 'hmac'
        ? new HmacAuthorizer(credentials)
        : new OAuthAuthorizer(() => this.requestToken(credentials), this.now);
  }

  /** Server clock minus device clock (ms), from the last answer's `Date` header. */
  get clockOffsetMs(): number | undefined {
    return this.offsetMs;
  }

  // Every call takes an optional logger for its lines: the sync engine passes its attempt's, so
  // that the client's lines carry the attempt's correlation ID.

  /** GET /.well-known: unauthenticated; proves the API is reachable. */
  probe(log?: ApiLogger): Promise<WellKnown> {
    return this.call({ method: 'GET', endpoint: '.well-known', authorized: false, parse: json(wellKnownSchema), log });
  }

  async trackDeviceVariables(ref: LicenseRef, variables: VariablesObject, log?: ApiLogger): Promise<DeviceVariable[]> {
    const wire = await this.call({
      method: 'POST',
      endpoint: 'track_device_variables',
      body: { ...identification(ref), variables },
      authorized: true,
      secrets: secretsOfRef(ref),
      parse: json(deviceVariablesResponseSchema),
      log,
    });
    return wire.map(toDeviceVariable);
  }

  async getDeviceVariables(ref: LicenseRef, log?: ApiLogger): Promise<DeviceVariable[]> {
    const wire = await this.call({
      method: 'GET',
      endpoint: 'get_device_variables',
      query: identification(ref),
      authorized: true,
      secrets: secretsOfRef(ref),
      parse: json(deviceVariablesResponseSchema),
      log,
    });
    return wire.map(toDeviceVariable);
  }

  activateLicense(ref: LicenseRef, request: ActivationRequest = {}, log?: ApiLogger): Promise<LicenseObject> {
    return this.call({
      method: 'POST',
      endpoint: 'activate_license',
      body: activationBody(ref, request),
      authorized: true,
      secrets: secretsOfRef(ref, request.password),
      parse: json(licenseObjectSchema),
      log,
    });
  }

  checkLicense(ref: LicenseRef, log?: ApiLogger): Promise<LicenseObject> {
    return this.call({
      method: 'GET',
      endpoint: 'check_license',
      query: identification(ref),
      authorized: true,
      secrets: secretsOfRef(ref),
      parse: json(licenseObjectSchema),
      log,
    });
  }

  async deactivateLicense(ref: LicenseRef, log?: ApiLogger): Promise<void> {
    await this.call({
      method: 'POST',
      endpoint: 'deactivate_license',
      body: identification(ref),
      authorized: true,
      secrets: secretsOfRef(ref),
      log,
      parse: (body) => {
        // Documented as the plain string; accept it JSON-quoted too.
        const answer = body.trim().replace(/^"(.*)"$/, '$1');
        if (answer !== DEACTIVATED_ANSWER) throw new Error(`expected "${DEACTIVATED_ANSWER}"`);
      },
    });
  }

  private async call<T>(spec: CallSpec<T>, isRetry = false): Promise<T> {
    const started = this.now();
    const logger = spec.log ?? this.logger;
    try {
      const result = await this.send(spec);
      logger?.debug(`License API ${spec.method} ${spec.endpoint}: ok in ${this.now() - started} ms`);
      return result;
    } catch (error) {
      if (!(error instanceof LicenseApiError)) throw error;
      logger?.warn(
        `License API ${spec.method} ${spec.endpoint}: ${error.kind} failure` +
          `${error.status === undefined ? '' : ` ${error.status}`} ${error.code} in ${this.now() - started} ms: ${error.message}`,
      );
      if (!isRetry && spec.authorized && TOKEN_REFUSED_CODES.has(error.code) && this.authorizer.discardToken()) {
        return this.call(spec, true);
      }
      throw error;
    }
  }

  private async send<T>(spec: CallSpec<T>): Promise<T> {
    const sentAt = this.now();
    const date = httpDate(sentAt);
    const headers: Record<string, string> = { Date: date, Accept: 'application/json' };
    if (spec.authorized) headers.Authorization = await this.authorizer.authorization(date);
    if (spec.body) headers['Content-Type'] = 'application/json';

    let response: AxiosResponse<ArrayBuffer>;
    try {
      const url = `${this.apiBaseUrl}/${spec.endpoint}`;
      response = await this.http.request<ArrayBuffer>({
        ...this.transport.requestOptions(url),
        method: spec.method,
        url,
        params: spec.query && withoutUndefined(spec.query),
        data: spec.body && JSON.stringify(withoutUndefined(spec.body)),
        headers,
      });
    } catch (error) {
      throw this.networkError(error, spec.endpoint, this.apiBaseUrl);
    }
    const clockOffsetMs = this.measureClockOffset(response, sentAt);
    const body = Buffer.from(response.data ?? new ArrayBuffer(0));

    if (response.status >= 400) throw this.errorFromResponse(response, body, spec, clockOffsetMs);
    if (response.status < 200 || response.status >= 300) {
      throw malformedAnswer(spec.endpoint, response.status, `an unexpected HTTP ${response.status}`);
    }
    const publicKey = this.options.responsePublicKey;
    if (publicKey) checkResponseSignature(response, body, spec.endpoint, publicKey);
    try {
      return spec.parse(body.toString('utf8'));
    } catch (error) {
      throw malformedAnswer(spec.endpoint, response.status, describeParseFailure(error));
    }
  }

  private errorFromResponse(
    response: AxiosResponse,
    body: Buffer,
    spec: CallSpec<unknown>,
    clockOffsetMs: number | undefined,
  ): LicenseApiError {
    const retryAfterMs = parseRetryAfter(header(response, 'retry-after'), this.now());
    if (this.transport.refusedByProxy(response)) {
      const proxy = this.transport.proxyLabel(this.apiBaseUrl) ?? 'the proxy';
      return proxyRefusal(response.status, proxy, spec.endpoint, retryAfterMs);
    }
    const redact = (text: string) => this.redact(text, spec.secrets);
    return apiRefusal(response, body, { endpoint: spec.endpoint, retryAfterMs, redact }, clockOffsetMs);
  }

  private networkError(error: unknown, endpoint: string, url: string): LicenseApiError {
    return networkFailure(error, endpoint, url, this.transport.proxyLabel(url));
  }

  private measureClockOffset(response: AxiosResponse, sentAt: number): number | undefined {
    const serverTime = Date.parse(header(response, 'date') ?? '');
    if (!Number.isFinite(serverTime)) return undefined;
    // The Date header has one-second resolution; the middle of the round trip is the best guess.
    const localTime = (sentAt + this.now()) / 2;
    this.offsetMs = Math.round(serverTime - localTime);
    return this.offsetMs;
  }

  private async requestToken(credentials: Extract<ApiCredentials, { type: 'oauth' }>): Promise<OAuthToken> {
    const endpoint = 'oauth_token';
    const tokenUrl = credentials.tokenUrl ?? DEFAULT_OAUTH_TOKEN_URL;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    let response: AxiosResponse<ArrayBuffer>;
    try {
      response = await this.http.post<ArrayBuffer>(tokenUrl, form.toString(), {
        ...this.transport.requestOptions(tokenUrl),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      });
    } catch (error) {
      throw this.networkError(error, endpoint, tokenUrl);
    }
    const text = Buffer.from(response.data ?? new ArrayBuffer(0)).toString('utf8');
    if (response.status >= 400) {
      const retryAfterMs = parseRetryAfter(header(response, 'retry-after'), this.now());
      throw oauthRefusal(response.status, text, { endpoint, retryAfterMs, redact: (detail) => this.redact(detail) });
    }
    const token = oauthTokenSchema.safeParse(safeJson(text));
    if (!token.success) throw malformedAnswer(endpoint, response.status, 'something that is not an OAuth token');
    return token.data;
  }

  /** A server's words with every secret of the client and of this call (license key, password) redacted. */
  private redact(text: string, callSecrets: string[] = []): string {
    this.redactor.add(callSecrets);
    return this.redactor.redact(text);
  }
}
