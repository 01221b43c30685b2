// What the client makes of an answer: its body checked against the wire schema, its signature,
// and every refusal (the License API's, a proxy's, the OAuth token endpoint's) turned into one
// LicenseApiError in plain words, with the server's own words on one line and secrets redacted.
import { verify as verifySignature } from 'node:crypto';
import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import { apiErrorBodySchema, oauthErrorSchema } from '../../../shared/wire.js';
import { oneLine } from '../../../shared/one-line.js';
import { LicenseApiError, classifyFailure } from './errors.js';

/** What a refusal's message needs besides the answer. */
export interface RefusalContext {
  endpoint: string;
  retryAfterMs: number | undefined;
  /** Removes every secret of the client and of this call from the server's words. */
  redact(text: string): string;
}

/** An error answer that did not come from a proxy refusing the tunnel. */
export function apiRefusal(
  response: AxiosResponse,
  body: Buffer,
  context: RefusalContext,
  clockOffsetMs: number | undefined,
): LicenseApiError {
  const { endpoint, retryAfterMs } = context;
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
  const said = oneLine(context.redact(parsed.data.message));
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
export function proxyRefusal(
  status: number,
  proxy: string,
  endpoint: string,
  retryAfterMs: number | undefined,
): LicenseApiError {
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
    retryAfterMs,
  });
}

/** The OAuth token endpoint refused the client credentials. */
export function oauthRefusal(status: number, text: string, context: RefusalContext): LicenseApiError {
  const { endpoint, retryAfterMs } = context;
  const parsed = oauthErrorSchema.safeParse(safeJson(text));
  const named = parsed.success && parsed.data.error.trim() !== '';
  const code = named ? oneLine(parsed.data.error) : `http_${status}`;
  const described = parsed.success ? (parsed.data.error_description ?? parsed.data.error) : '';
  const detail = described.trim() === '' ? `HTTP ${status}` : described;
  return new LicenseApiError({
    status,
    code,
    message: `The OAuth token endpoint refused the client credentials: ${oneLine(context.redact(detail))}.`,
    endpoint,
    kind: classifyFailure(status, named ? code : undefined, retryAfterMs !== undefined),
    retryAfterMs,
  });
}

export function malformedAnswer(endpoint: string, status: number, what: string): LicenseApiError {
  return new LicenseApiError({
    status,
    code: 'malformed_response',
    message: `The License API answered ${endpoint} with ${what}.`,
    endpoint,
    kind: 'server',
  });
}

/** Throws unless the answer carries a valid `LicenseSignature` for `publicKey`. */
export function checkResponseSignature(
  response: AxiosResponse,
  body: Buffer,
  endpoint: string,
  publicKey: string,
): void {
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

export function json<S extends z.ZodType>(schema: S): (body: string) => z.infer<S> {
  return (body) => schema.parse(JSON.parse(body));
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function describeParseFailure(error: unknown): string {
  if (error instanceof SyntaxError) return 'a body that is not JSON';
  return 'JSON that does not match the documented shape';
}

export function header(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return typeof value === 'string' ? value : undefined;
}
