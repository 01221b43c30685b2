// Who may talk to the loopback status server: requests from loopback only, addressed to our own
// host and port (no DNS rebinding), from our own origin when a browser says where it comes from,
// and carrying the per-run token (cookie set when the printed URL is opened, or a Bearer header).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'varsync_token';

export type GuardVerdict = { ok: true } | { ok: false; status: number; error: string };

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

/** `presented` defaults to the token in the request's header or cookie. */
export function checkRequest(req: IncomingMessage, port: number, token: string, presented = presentedToken(req)): GuardVerdict {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return { ok: false, status: 403, error: 'only this machine may use the status page' };
  const hosts = allowedHosts(port);
  if (!hosts.has(req.headers.host ?? '')) return { ok: false, status: 421, error: 'wrong Host header' };
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, ''))) {
    return { ok: false, status: 403, error: 'cross-origin requests are refused' };
  }
  if (!sameSecret(presented, token)) {
    return { ok: false, status: 401, error: 'missing or wrong token: open the URL that varsync run --ui printed' };
  }
  return { ok: true };
}

/** The token from the Authorization header or the cookie. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return rest.join('=');
  }
  return undefined;
}

export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
