import { describe, expect, it } from 'vitest';
import { DOCUMENTED_ERROR_CODES, DOCUMENTED_ERRORS } from '../../shared/api-error-codes.js';
import {
  classifyFailure,
  classifyNetworkFailure,
  parseRetryAfter,
  type ApiErrorKind,
} from '../../main/core/api/errors.js';

// The expected kind of every code license-api.md lists; a new code without a decision fails here.
const EXPECTED: Record<string, ApiErrorKind> = {
  missing_headers: 'credentials',
  authorization_invalid_headers: 'credentials',
  authorization_missing_params: 'credentials',
  hmac_required: 'credentials',
  signature_mismatch: 'credentials',
  invalid_api_key: 'credentials',
  revoked_api_key: 'credentials',
  read_only_api_key: 'credentials',
  api_key_product_not_allowed: 'credentials',
  date_header_diff: 'clock',
  oauth_token_expired: 'credentials',
  oauth_token_malformed: 'credentials',
  missing_parameters: 'credentials',
  validation_error: 'payload',
  invalid_json: 'payload',
  unknown_product: 'credentials',
  license_not_found: 'license',
  license_not_active: 'license',
  license_not_enabled: 'license',
  license_activated_max_times: 'license',
  trial_expired: 'license',
  device_not_found: 'device',
  blacklisted: 'device',
};

describe('classifyFailure', () => {
  it('has a decision for every documented code', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...DOCUMENTED_ERROR_CODES].sort());
  });

  it.each(DOCUMENTED_ERROR_CODES)('classifies %s with its documented status', (code) => {
    expect(classifyFailure(DOCUMENTED_ERRORS[code].status, code)).toBe(EXPECTED[code]);
  });

  it('decides by code before status: signature_mismatch is credentials at 400 and at 401', () => {
    expect(classifyFailure(400, 'signature_mismatch')).toBe('credentials');
    expect(classifyFailure(401, 'signature_mismatch')).toBe('credentials');
  });

  it.each([
    [undefined, 'network'],
    [408, 'network'],
    [429, 'rate_limit'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
    [401, 'credentials'],
    [403, 'credentials'],
    [404, 'credentials'],
    [407, 'proxy'],
    [400, 'server'],
    [422, 'server'],
  ] as const)('falls back on status %s -> %s for unknown codes', (status, kind) => {
    expect(classifyFailure(status, 'some_future_code')).toBe(kind);
  });

  // Only the License API's own words can refuse a value: an answer without its error body came
  // from a proxy, a firewall or a wrong URL.
  it.each([
    [400, 'server'],
    [401, 'credentials'],
    [403, 'credentials'],
    [404, 'credentials'],
    [405, 'credentials'],
    [407, 'proxy'],
    [413, 'server'],
    [422, 'server'],
    [502, 'server'],
  ] as const)('an answer without a License API error body: %s -> %s, never payload', (status, kind) => {
    expect(classifyFailure(status)).toBe(kind);
  });

  it('payload needs a License API error body with a code that refuses the content', () => {
    expect(classifyFailure(400, 'validation_error')).toBe('payload');
    expect(classifyFailure(400, 'invalid_json')).toBe('payload');
    expect(classifyFailure(400)).not.toBe('payload');
    expect(classifyFailure(400, 'http_400')).not.toBe('payload');
  });
});

describe('classifyNetworkFailure', () => {
  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'tls'],
    ['net::ERR_CERT_DATE_INVALID', 'tls'],
    ['net::ERR_TUNNEL_CONNECTION_FAILED', 'proxy'],
    ['net::ERR_PROXY_AUTH_UNSUPPORTED', 'proxy'],
    ['ECONNREFUSED', 'network'],
    ['ENOTFOUND', 'network'],
    ['ECONNABORTED', 'network'],
    ['net::ERR_PROXY_CONNECTION_FAILED', 'network'],
    ['net::ERR_INTERNET_DISCONNECTED', 'network'],
  ] as const)('%s -> %s', (code, kind) => {
    expect(classifyNetworkFailure(code)).toBe(kind);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it('reads delta-seconds', () => expect(parseRetryAfter('7', now)).toBe(7000));
  it('reads an HTTP date', () => expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:30 GMT', now)).toBe(30_000));
  it('never goes negative for a date in the past', () =>
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0));
  it('ignores garbage and absence', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
