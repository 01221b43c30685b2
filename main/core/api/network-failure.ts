// A call that got no answer, in words: the most specific code (the socket's, undici's or
// Chromium's), what it means, and whether it is about the proxy on the way rather than the API.
import { isAxiosError } from 'axios';
import { oneLine } from '../../../shared/one-line.js';
import { LicenseApiError, classifyNetworkFailure } from './errors.js';

/** `proxy`: the label of the proxy the call went through, if any. */
export function networkFailure(
  error: unknown,
  endpoint: string,
  url: string,
  proxy: string | undefined,
): LicenseApiError {
  const host = safeHost(url);
  const code = networkFailureCode(error);
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
function networkFailureCode(error: unknown): string {
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

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured host';
  }
}
