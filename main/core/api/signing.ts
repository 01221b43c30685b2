// HMAC request signing exactly as license-api.md states it: the signed string is
// "licenseSpring\ndate: <Date header>", keyed with the shared key's UTF-8 bytes, Base64 with padding.
import { createHmac } from 'node:crypto';

export function signingString(dateHeader: string): string {
  return `licenseSpring\ndate: ${dateHeader}`;
}

export function hmacSignature(sharedKey: string, dateHeader: string): string {
  return createHmac('sha256', Buffer.from(sharedKey, 'utf8'))
    .update(signingString(dateHeader), 'utf8')
    .digest('base64');
}

export function hmacAuthorization(apiKey: string, sharedKey: string, dateHeader: string): string {
  const signature = hmacSignature(sharedKey, dateHeader);
  return `algorithm="hmac-sha256",headers="date",signature="${signature}",apikey="${apiKey}"`;
}

/** RFC 7231 IMF-fixdate, the form the API expects in `Date`. */
export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}
