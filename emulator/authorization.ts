// How the emulator checks a request's authorization: HMAC over the Date header (both `apikey`
// and `apiKey`, with `,` or `, ` between parameters) or a Bearer token from its own token
// endpoint; either way the Date header must be within 15 minutes of the server's clock.
//
// The HMAC is computed here on its own, not with the client's signer, so that a mistake in the
// client cannot be hidden by sharing it; both are tested against the documentation's vector.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ResolvedSeed } from './seed.js';
import { EmulatorError } from './state.js';

export const DATE_TOLERANCE_MS = 15 * 60 * 1000;

export type ApiKeyRecord = ResolvedSeed['apiKeys'][number];

/** Who a request was authorized as: an API key (with its limits) or an OAuth client. */
export type Caller = { via: 'hmac'; apiKey: ApiKeyRecord } | { via: 'bearer'; clientId: string };

export class TokenStore {
  private tokens = new Map<string, { clientId: string; expiresAt: number }>();

  issue(clientId: string, lifetimeSeconds: number, now: number): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { clientId, expiresAt: now + lifetimeSeconds * 1000 });
    return token;
  }

  /** Make every issued token expire now (tests of token renewal). */
  expireAll(now: number): void {
    for (const entry of this.tokens.values()) entry.expiresAt = now;
  }

  check(token: string, now: number): string {
    const entry = this.tokens.get(token);
    if (!entry) throw new EmulatorError('oauth_token_malformed');
    if (now >= entry.expiresAt) throw new EmulatorError('oauth_token_expired');
    return entry.clientId;
  }
}

export function authorizeRequest(
  headers: { authorization?: string; date?: string },
  seed: ResolvedSeed,
  tokens: TokenStore,
  now: number,
): Caller {
  const { authorization, date } = headers;
  if (!authorization || !date) throw new EmulatorError('missing_headers');

  if (/^bearer\s/i.test(authorization)) {
    checkDate(date, now);
    return { via: 'bearer', clientId: tokens.check(authorization.replace(/^bearer\s+/i, '').trim(), now) };
  }

  const params = parseAuthorizationParams(authorization);
  const apiKeyValue = params.apikey;
  if (!params.algorithm || !params.headers || !params.signature || !apiKeyValue) {
    throw new EmulatorError('authorization_missing_params');
  }
  if (params.algorithm.toLowerCase() !== 'hmac-sha256') throw new EmulatorError('hmac_required');
  if (params.headers.trim().toLowerCase() !== 'date') throw new EmulatorError('authorization_invalid_headers');
  const apiKey = seed.apiKeys.find((candidate) => candidate.apiKey === apiKeyValue);
  if (!apiKey) throw new EmulatorError('invalid_api_key');
  if (apiKey.revoked) throw new EmulatorError('revoked_api_key');
  checkDate(date, now);
  if (!sameSignature(params.signature, sign(apiKey.sharedKey, date))) throw new EmulatorError('signature_mismatch');
  return { via: 'hmac', apiKey };
}

/** Limits of an API key that depend on the request: read-only keys and per-product keys. */
export function checkCallerMayUse(caller: Caller, product: string, writes: boolean): void {
  if (caller.via !== 'hmac') return;
  if (writes && caller.apiKey.readOnly) throw new EmulatorError('read_only_api_key');
  if (caller.apiKey.products && !caller.apiKey.products.includes(product)) {
    throw new EmulatorError('api_key_product_not_allowed');
  }
}

function parseAuthorizationParams(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/([A-Za-z]+)\s*=\s*"([^"]*)"/g)) {
    params[match[1]!.toLowerCase()] = match[2]!;
  }
  return params;
}

function checkDate(date: string, now: number): void {
  const sent = Date.parse(date);
  if (!Number.isFinite(sent))
    throw new EmulatorError('authorization_invalid_headers', 'The Date header is not a valid HTTP date.');
  if (Math.abs(sent - now) > DATE_TOLERANCE_MS) throw new EmulatorError('date_header_diff');
}

function sign(sharedKey: string, date: string): string {
  return createHmac('sha256', sharedKey).update(`licenseSpring\ndate: ${date}`).digest('base64');
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
