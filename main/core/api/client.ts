// The License API client: one method per endpoint the agent uses, every call signed, timed out,
// validated against the wire schemas and turned into a LicenseApiError on any failure.
import { verify as verifySignature } from 'node:crypto';
import axios, { type AxiosInstance, type AxiosResponse, isAxiosError } from 'axios';
import type { z } from 'zod';
import {
  DEACTIVATED_ANSWER,
  apiErrorBodySchema,
  deviceVariablesResponseSchema,
  licenseObjectSchema,
  oauthErrorSchema,
  oauthTokenSchema,
  toDeviceVariable,
  wellKnownSchema,
  type DeviceVariable,
  type LicenseObject,
  type OAuthToken,
  type VariablesObject,
  type WellKnown,
} from '../../../shared/wire.js';
import { oneLine } from '../../../shared/one-line.js';
import {
  DEFAULT_OAUTH_TOKEN_URL,
  HmacAuthorizer,
  OAuthAuthorizer,
  type ApiCredentials,
  type Authorizer,
} from './authorization.js';
import { LicenseApiError, classifyFailure, classifyNetworkFailure, parseRetryAfter } from './errors.js';
import { httpDate } from './signing.js';
import { nodeTransport, type HttpTransport } from './transport.js';

/** Which license and device a call is about. Key-based products use `licenseKey`, user-based `username`. */
export interface LicenseRef {
  product: string;
  hardwareId: string;
  licenseKey?: string;
  username?: string;
  licenseId?: number;
  bundleCode?: string;
}

/** Optional facts about the device sent with an activation. */
export interface DeviceFacts {
  osVer?: string;
  hostname?: string;
  ip?: string;
  macAddress?: string;
  isVm?: boolean;
  vmInfo?: string;
  appVer?: string;
  sdkVer?: string;
}

export interface ActivationRequest {
  /** Required for user-based products. */
  password?: string;
  /** Variables to set on the device as part of the activation. */
  variables?: VariablesObject;
  device?: DeviceFacts;
}

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
  private readonly secrets: string[];
  private readonly timeoutMs: number;
  readonly transport: HttpTransport;
  private offsetMs: number | undefined;

  constructor(private readonly options: LicenseApiClientOptions) {
    this.apiBaseUrl = normalizeBaseUrl(options.baseUrl);
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.secrets = [...secretsOf(options.credentials), ...(options.secrets ?? [])];
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
    const device = request.device ?? {};
    return this.call({
      method: 'POST',
      endpoint: 'activate_license',
      body: {
        ...identification(ref),
        password: request.password,
        variables: request.variables,
        os_ver: device.osVer,
        hostname: device.hostname,
        ip: device.ip,
        mac_address: device.macAddress,
        is_vm: device.isVm,
        vm_info: device.vmInfo,
        app_ver: device.appVer,
        sdk_ver: device.sdkVer,
      },
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
      throw this.malformed(spec.endpoint, response.status, `an unexpected HTTP ${response.status}`);
    }
    this.checkResponseSignature(response, body, spec.endpoint);
    try {
      return spec.parse(body.toString('utf8'));
    } catch (error) {
      throw this.malformed(spec.endpoint, response.status, describeParseFailure(error));
    }
  }

  private errorFromResponse(
    response: AxiosResponse,
    body: Buffer,
    spec: CallSpec<unknown>,
    clockOffsetMs: number | undefined,
  ): LicenseApiError {
    const endpoint = spec.endpoint;
    const retryAfterMs = parseRetryAfter(header(response, 'retry-after'), this.now());
    if (this.transport.refusedByProxy(response)) return this.proxyRefusal(response, endpoint);
    const parsed = apiErrorBodySchema.safeParse(safeJson(body.toString('utf8')));
    if (!parsed.success) {
      // Not the License API's words: a proxy, a firewall or a wrong URL answered. Never `payload`.
      return new LicenseApiError({
        status: response.status,
        code: `http_${response.status}`,
        message:
          response.status === 407
            ? 'A proxy between this device and the License API asked for credentials (HTTP 407).'
            : `The License API answered HTTP ${response.status} without a License API error body.`,
        endpoint,
        kind: classifyFailure(response.status, undefined, retryAfterMs !== undefined),
        retryAfterMs,
      });
    }
    // The server's words are shown and logged: one line each, whatever it sent, and never nothing.
    const code = parsed.data.code.trim() === '' ? `http_${response.status}` : oneLine(parsed.data.code);
    const said = oneLine(this.redact(parsed.data.message, spec.secrets));
    const message =
      said.trim() === '' ? `The License API answered HTTP ${response.status} (${code}) without a message.` : said;
    return new LicenseApiError({
      status: response.status,
      code,
      message,
      endpoint,
      kind: classifyFailure(response.status, code, retryAfterMs !== undefined),
      retryAfterMs,
      clockOffsetMs: code === 'date_header_diff' ? clockOffsetMs : undefined,
    });
  }

  /**
   * The proxy would not open a tunnel to the API. 407 and other refusals hold (a person must set
   * credentials or get the API allowed); a 5xx means the proxy could not reach the API: retried.
   */
  private proxyRefusal(response: AxiosResponse, endpoint: string): LicenseApiError {
    const status = response.status;
    const proxy = this.transport.proxyLabel(this.apiBaseUrl) ?? 'the proxy';
    const message =
      status === 407
        ? `The proxy at ${proxy} asked for credentials (HTTP 407).`
        : status >= 500
          ? `The proxy at ${proxy} could not connect to the License API (HTTP ${status}).`
          : `The proxy at ${proxy} refused to connect to the License API (HTTP ${status}).`;
    return new LicenseApiError({
      status,
      code: `http_${status}`,
      message,
      endpoint,
      kind: status >= 500 ? 'network' : 'proxy',
      retryAfterMs: parseRetryAfter(header(response, 'retry-after'), this.now()),
    });
  }

  private networkError(error: unknown, endpoint: string, url: string): LicenseApiError {
    const host = safeHost(url);
    const proxy = this.transport.proxyLabel(url);
    const code = failureCode(error);
    if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED') {
      return new LicenseApiError({
        code: 'response_too_large',
        message: `The answer from ${host} was larger than the agent accepts.`,
        endpoint,
        kind: 'server',
      });
    }
    const kind = classifyNetworkFailure(code);
    const reason = kind === 'tls' ? tlsReason(code, error) : (NETWORK_REASONS[code] ?? `network error (${code})`);
    // Through a proxy, a refused or unresolvable connection is the proxy's: say which one.
    const unreachableProxy = proxy !== undefined && PROXY_CONNECT_CODES.has(code);
    return new LicenseApiError({
      code,
      message: unreachableProxy
        ? `Could not reach the proxy at ${proxy} (for the License API at ${host}): ${reason}.`
        : `Could not reach the License API at ${host}${proxy ? ` through the proxy at ${proxy}` : ''}: ${reason}.`,
      endpoint,
      kind,
    });
  }

  private malformed(endpoint: string, status: number, what: string): LicenseApiError {
    return new LicenseApiError({
      status,
      code: 'malformed_response',
      message: `The License API answered ${endpoint} with ${what}.`,
      endpoint,
      kind: 'server',
    });
  }

  private checkResponseSignature(response: AxiosResponse, body: Buffer, endpoint: string): void {
    const publicKey = this.options.responsePublicKey;
    if (!publicKey) return;
    const signature = header(response, 'licensesignature');
    let valid = false;
    try {
      valid = !!signature && verifySignature('sha256', body, publicKey, Buffer.from(signature, 'base64'));
    } catch {
      valid = false;
    }
    if (!valid) {
      throw new LicenseApiError({
        status: response.status,
        code: 'response_signature_invalid',
        message: `The answer to ${endpoint} has no valid LicenseSignature for the configured public key.`,
        endpoint,
        kind: 'server',
      });
    }
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
      const parsed = oauthErrorSchema.safeParse(safeJson(text));
      const named = parsed.success && parsed.data.error.trim() !== '';
      const code = named ? oneLine(parsed.data.error) : `http_${response.status}`;
      const described = parsed.success ? (parsed.data.error_description ?? parsed.data.error) : '';
      const detail = described.trim() === '' ? `HTTP ${response.status}` : described;
      const retryAfterMs = parseRetryAfter(header(response, 'retry-after'), this.now());
      throw new LicenseApiError({
        status: response.status,
        code,
        message: `The OAuth token endpoint refused the client credentials: ${oneLine(this.redact(detail))}.`,
        endpoint,
        kind: classifyFailure(response.status, named ? code : undefined, retryAfterMs !== undefined),
        retryAfterMs,
      });
    }
    const token = oauthTokenSchema.safeParse(safeJson(text));
    if (!token.success) throw this.malformed(endpoint, response.status, 'something that is not an OAuth token');
    return token.data;
  }

  /** Server messages are shown and logged; make sure none of ours ever comes back in one. */
  private redact(text: string, callSecrets: string[] = []): string {
    return [...this.secrets, ...callSecrets]
      .filter((secret) => secret.length > 0)
      .reduce((result, secret) => result.split(secret).join('[redacted]'), text);
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was dropped',
  EPIPE: 'the connection was dropped',
  ERR_SOCKET_CONNECTION_TIMEOUT: 'no answer in time',
  ETIMEDOUT: 'no answer in time',
  ECONNABORTED: 'no answer in time',
  ENOTFOUND: 'the host name could not be resolved',
  EAI_AGAIN: 'the host name could not be resolved (DNS is not answering)',
  ENETUNREACH: 'the network is unreachable',
  EHOSTUNREACH: 'the host is unreachable',
  ERR_NETWORK: 'the network failed',
  ERR_CANCELED: 'the request was cancelled',
  UND_ERR_CONNECT_TIMEOUT: 'no answer in time',
  UND_ERR_SOCKET: 'the connection was dropped',
  'net::ERR_CONNECTION_REFUSED': 'the connection was refused',
  'net::ERR_CONNECTION_RESET': 'the connection was dropped',
  'net::ERR_CONNECTION_CLOSED': 'the connection was dropped',
  'net::ERR_NAME_NOT_RESOLVED': 'the host name could not be resolved',
  'net::ERR_INTERNET_DISCONNECTED': 'this device is offline',
  'net::ERR_TIMED_OUT': 'no answer in time',
  'net::ERR_PROXY_CONNECTION_FAILED': 'the proxy could not be reached',
  'net::ERR_TUNNEL_CONNECTION_FAILED': 'the proxy refused to connect to the License API',
};

/**
 * The most specific name of a failure with no answer. Through axios's fetch adapter the socket's
 * code sits in the cause (undici: `cause.code`), and Chromium's net.fetch says `net::ERR_...` in
 * the message; through the http adapter it is axios's own code.
 */
function failureCode(error: unknown): string {
  const axiosCode = isAxiosError(error) ? error.code : undefined;
  if (axiosCode && axiosCode !== 'ERR_NETWORK' && axiosCode !== 'ERR_BAD_REQUEST') return axiosCode;
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 4; depth++) {
    const own = (cause as { code?: unknown }).code;
    if (typeof own === 'string' && own !== 'ERR_NETWORK' && own !== 'ERR_BAD_REQUEST') return own;
    const chromium = /net::ERR_[A-Z_]+/.exec(cause.message)?.[0];
    if (chromium) return chromium;
    cause = cause.cause;
  }
  return axiosCode ?? 'network_error';
}

/** Failures to open a connection: through a proxy, they are about the proxy itself. */
const PROXY_CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

const TLS_REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: "its certificate is not valid yet (or this device's clock is wrong)",
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate was issued for another name',
  HOSTNAME_MISMATCH: 'its certificate was issued for another name',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in a root this device does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate was issued by a certificate authority this device does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate was issued by a certificate authority this device does not trust',
  EPROTO: 'the secure connection could not be set up (the server or a proxy does not speak TLS there)',
};

/** A certificate problem in words, with the code: support needs both. */
function tlsReason(code: string, error: unknown): string {
  const known = TLS_REASONS[code];
  if (known) return `${known} (${code})`;
  const said = error instanceof Error ? oneLine(error.message) : '';
  return `the secure connection was refused${said ? `: ${said}` : ''} (${code})`;
}

function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`The License API URL "${baseUrl}" is not a URL; use one like https://api.licensespring.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`The License API URL must start with https:// (got ${url.protocol}).`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/api/v4') ? path : `${path}/api/v4`;
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

function identification(ref: LicenseRef): Record<string, string | number | undefined> {
  return {
    product: ref.product,
    hardware_id: ref.hardwareId,
    license_key: ref.licenseKey,
    username: ref.username,
    license_id: ref.licenseId,
    bundle_code: ref.bundleCode,
  };
}

function withoutUndefined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function json<S extends z.ZodType>(schema: S): (body: string) => z.infer<S> {
  return (body) => schema.parse(JSON.parse(body));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeParseFailure(error: unknown): string {
  if (error instanceof SyntaxError) return 'a body that is not JSON';
  return 'JSON that does not match the documented shape';
}

function header(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured host';
  }
}

function secretsOfRef(ref: LicenseRef, password?: string): string[] {
  return [ref.licenseKey, password].filter((secret): secret is string => !!secret);
}

function secretsOf(credentials: ApiCredentials): string[] {
  return credentials.type === 'hmac' ? [credentials.sharedKey] : [credentials.clientSecret];
}
