// One typed error for every way a License API call can fail, and the one function that decides
// what kind of failure it is. The sync engine acts on `kind` only.

export const API_ERROR_KINDS = [
  'network', // no answer: refused, DNS, timeout, reset
  'server', // 5xx, or an answer that is not what the API documents
  'rate_limit', // 429, or 503 with Retry-After
  'clock', // date_header_diff: the device clock is too far from the server's
  'credentials', // keys, tokens, product code or base URL are wrong: a person must fix configuration
  'license', // the license is missing, disabled, inactive, expired or full
  'device', // this device is not activated, or is blacklisted
  'payload', // the License API refused the request's content (a bad variable name or value)
  'proxy', // a proxy on the way asked for credentials (407) or refused to connect to the API
  'tls', // the API's certificate is not trusted: unknown issuer, expired, another name, self-signed
] as const;
export type ApiErrorKind = (typeof API_ERROR_KINDS)[number];

const KIND_BY_CODE: Record<string, ApiErrorKind> = {
  date_header_diff: 'clock',

  missing_headers: 'credentials',
  authorization_invalid_headers: 'credentials',
  authorization_missing_params: 'credentials',
  hmac_required: 'credentials',
  signature_mismatch: 'credentials',
  invalid_api_key: 'credentials',
  revoked_api_key: 'credentials',
  read_only_api_key: 'credentials',
  api_key_product_not_allowed: 'credentials',
  oauth_token_expired: 'credentials',
  oauth_token_malformed: 'credentials',
  invalid_client: 'credentials',
  unauthorized_client: 'credentials',
  unknown_product: 'credentials',
  // The agent always sends product, hardware ID and a license key or username; when one is
  // missing it is the configuration that lacks it.
  missing_parameters: 'credentials',

  license_not_found: 'license',
  license_not_active: 'license',
  license_not_enabled: 'license',
  license_activated_max_times: 'license',
  trial_expired: 'license',

  device_not_found: 'device',
  blacklisted: 'device',

  validation_error: 'payload',
  invalid_json: 'payload',
};

/**
 * Decide the kind of an answer that failed. `apiCode` is the code of a License API (or OAuth)
 * error body; an answer without one came from something else on the path (a proxy, a firewall,
 * a wrong URL) and can never refuse a value: only the codes that say so (validation_error,
 * invalid_json) are `payload`. Documented codes decide first; then the status. A code the agent
 * does not know is `server`: kept and retried with growing pauses, never dead-lettered.
 * `retryAfter` says whether the answer carried a Retry-After.
 */
export function classifyFailure(status: number | undefined, apiCode?: string, retryAfter = false): ApiErrorKind {
  if (apiCode !== undefined && Object.hasOwn(KIND_BY_CODE, apiCode)) return KIND_BY_CODE[apiCode]!;
  if (status === undefined || status === 408) return 'network';
  if (status === 407) return 'proxy';
  // The status the License API refuses with is undocumented: 429, or a 503 that says when to come
  // back (Retry-After); both mean "come back later, and not all at once". A bare 503 is a failing server.
  if (status === 429 || (status === 503 && retryAfter)) return 'rate_limit';
  if (status === 401 || status === 403 || status === 404 || status === 405) return 'credentials';
  return 'server';
}

// Node's (OpenSSL's) names for a certificate the agent must not trust, and a handshake with
// something that does not speak TLS; Chromium's `net::ERR_CERT_*` and `ERR_SSL_*` are matched by prefix.
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_REJECTED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

/** The kind of a failure with no HTTP answer, from the error code the network stack gave. */
export function classifyNetworkFailure(code: string): ApiErrorKind {
  if (TLS_CODES.has(code) || /^(ERR_SSL_|ERR_CERT_|net::ERR_CERT_|net::ERR_SSL_)/.test(code)) return 'tls';
  if (/^net::ERR_(TUNNEL_CONNECTION_FAILED|PROXY_AUTH|UNEXPECTED_PROXY_AUTH|MANDATORY_PROXY)/.test(code))
    return 'proxy';
  return 'network';
}

export interface LicenseApiErrorInit {
  status?: number;
  code: string;
  message: string;
  endpoint: string;
  /** Decided from status, code and Retry-After when absent. */
  kind?: ApiErrorKind;
  retryAfterMs?: number;
  clockOffsetMs?: number;
}

export class LicenseApiError extends Error {
  override readonly name = 'LicenseApiError';
  readonly status: number | undefined;
  readonly code: string;
  readonly kind: ApiErrorKind;
  readonly endpoint: string;
  /** How long the server asked us to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** Server clock minus device clock, in milliseconds, measured from the server's `Date` header. */
  readonly clockOffsetMs: number | undefined;

  constructor(init: LicenseApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.endpoint = init.endpoint;
    this.kind = init.kind ?? classifyFailure(init.status, init.code, init.retryAfterMs !== undefined);
    this.retryAfterMs = init.retryAfterMs;
    this.clockOffsetMs = init.clockOffsetMs;
  }

  /** A plain object safe to log or show: it never carries request headers or bodies. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      status: this.status,
      code: this.code,
      message: this.message,
      endpoint: this.endpoint,
      retryAfterMs: this.retryAfterMs,
      clockOffsetMs: this.clockOffsetMs,
    };
  }
}

/** The longest wait a timer can hold (about 24.8 days); a longer one would fire at once. */
const MAX_RETRY_AFTER_MS = 2 ** 31 - 1;

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 section 10.2.3); absurd waits are cut to the longest a timer holds. */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}
