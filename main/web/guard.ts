// Who may talk to the loopback status server: requests from loopback only, addressed to our own
// host and port (no DNS rebinding), from our own origin when a browser says where it comes from,
// and, for anything with data, carrying the per-run token in an `Authorization: Bearer` header.
// No cookie is read: a browser sends cookies to every port of 127.0.0.1, so a cookie would hand the
// token to any other local server the browser visits.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type GuardVerdict = { ok: true } | { ok: false; status: number; error: string };

const WRONG_TOKEN = 'missing or wrong token: open the URL that varsync run --ui printed';

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

/** Loopback peer, our Host, our Origin if any: enough for the static shell, which holds no data. */
export function checkPeer(req: IncomingMessage, port: number): GuardVerdict {
  if (!isLoopbackAddress(req.socket.remoteAddress))
    return { ok: false, status: 403, error: 'only this machine may use the status page' };
  const hosts = allowedHosts(port);
  if (!hosts.has(req.headers.host ?? '')) return { ok: false, status: 421, error: 'wrong Host header' };
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, ''))) {
    return { ok: false, status: 403, error: 'cross-origin requests are refused' };
  }
  return { ok: true };
}

/** The peer checks, then the token. `presented` defaults to the request's Bearer token. */
export function checkRequest(
  req: IncomingMessage,
  port: number,
  token: string,
  presented = presentedToken(req),
): GuardVerdict {
  const peer = checkPeer(req, port);
  if (!peer.ok) return peer;
  if (!sameSecret(presented, token)) return { ok: false, status: 401, error: WRONG_TOKEN };
  return { ok: true };
}

/** The token from the `Authorization: Bearer` header, the only place it is accepted. */
export function presentedToken(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
