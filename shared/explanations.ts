// What a sync problem means for the person looking at it, in plain words, and what to do.
// Used by the CLI, the status page and the window alike.

export interface ProblemInput {
  kind: string;
  code: string;
  message: string;
  clockOffsetMs?: number | null;
}

export interface Explanation {
  /** One sentence: what is wrong. */
  reason: string;
  /** One sentence: what to do about it. */
  action: string;
}

const BY_CODE: Record<string, Explanation> = {
  license_not_enabled: { reason: "This device's license is disabled.", action: 'Contact your administrator.' },
  license_not_active: {
    reason: "This device's license is not active.",
    action: 'Contact your administrator to activate the license.',
  },
  license_not_found: {
    reason: 'The configured license was not found.',
    action: 'Check the license key or username with your vendor.',
  },
  license_activated_max_times: {
    reason: 'The license is already used on as many devices as it allows.',
    action: 'Free a seat on another device or ask your vendor for more.',
  },
  trial_expired: { reason: 'The trial license has expired.', action: 'Contact your vendor for a full license.' },
  blacklisted: {
    reason: 'This device has been blocked by the vendor.',
    action: 'Contact your administrator or vendor.',
  },
  device_not_found: {
    reason: 'This device is not activated on the license.',
    action: 'Activate it (varsync activate) or let the vendor activate it.',
  },
  unknown_product: {
    reason: 'The configured product is not known to the License API.',
    action: 'Check the product code in the configuration.',
  },
  signature_mismatch: {
    reason: 'The License API refused the request signature.',
    action: 'Check the API key and shared key in the configuration.',
  },
  invalid_api_key: { reason: 'The API key is not valid.', action: 'Check the API key in the configuration.' },
  revoked_api_key: { reason: 'The API key has been revoked.', action: 'Ask your vendor for a new API key.' },
  read_only_api_key: {
    reason: 'The API key is read-only and cannot set variables.',
    action: 'Configure an API key that may write.',
  },
  api_key_product_not_allowed: {
    reason: 'The API key may not be used with this product.',
    action: 'Configure the API key issued for this product.',
  },
  invalid_client: {
    reason: 'The OAuth client id or secret was refused.',
    action: 'Check the OAuth client credentials in the configuration.',
  },
  http_407: {
    reason: 'A proxy between this device and the License API asks for a user name and password.',
    action:
      'Put them in the proxy setting (http://user:password@proxy:8080; VARSYNC_PROXY or the vendor file), or ask your network administrator.',
  },
  CERT_HAS_EXPIRED: {
    reason: "The License API's certificate has expired.",
    action: "Check this device's date; if it is right, tell your vendor (or the administrator of the API host).",
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    reason: "The License API's certificate was issued for another name.",
    action:
      'Check the API URL in the configuration (varsync config); a network that inspects HTTPS can cause this too.',
  },
  missing_parameters: {
    reason: 'The configuration lacks something the License API needs.',
    action: 'Run varsync config and fill in the product and license.',
  },
};

const BY_KIND: Record<string, Explanation> = {
  network: {
    reason: 'The License API cannot be reached.',
    action: 'Nothing to do: changes are kept and sent when the connection returns.',
  },
  server: {
    reason: 'The License API is having trouble.',
    action: 'Nothing to do: the agent retries with growing pauses.',
  },
  rate_limit: {
    reason: 'The License API asked the agent to slow down.',
    action: 'Nothing to do: the agent waits as long as the server asked.',
  },
  credentials: {
    reason: 'The License API refused the configured credentials.',
    action: 'Check the configuration (varsync config).',
  },
  license: { reason: 'The license does not allow syncing right now.', action: 'Contact your administrator.' },
  device: { reason: 'This device cannot sync on its license.', action: 'Contact your administrator.' },
  payload: { reason: 'The License API refused a variable.', action: 'Fix or discard the variable listed as failed.' },
  proxy: {
    reason: 'A proxy between this device and the License API refused the connection.',
    action:
      'Set the proxy with its user name and password (proxy setting, e.g. http://user:password@proxy:8080), or ask your network administrator to allow the License API.',
  },
  tls: {
    reason: "The License API's certificate is not trusted here (a network that inspects HTTPS replaces it).",
    action:
      "Install your organization's root certificate (caFile setting, VARSYNC_CA_FILE, or the system's trust store) or check the API URL; varsync diagnostics shows the certificate chain.",
  },
};

export function explainProblem(problem: ProblemInput): Explanation {
  if (problem.kind === 'clock' || problem.code === 'date_header_diff') {
    return {
      reason: clockReason(problem.clockOffsetMs),
      action: "Correct this device's date and time (turn on automatic time).",
    };
  }
  return (
    BY_CODE[problem.code] ?? BY_KIND[problem.kind] ?? { reason: problem.message, action: 'See the logs for details.' }
  );
}

function clockReason(offsetMs: number | null | undefined): string {
  if (offsetMs === null || offsetMs === undefined || !Number.isFinite(offsetMs))
    return "This device's clock is too far from the server's.";
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  const amount = minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  // A positive offset means the server is ahead, so this device's clock is behind.
  return `Your clock is ${amount} off (${offsetMs > 0 ? 'behind' : 'ahead of'} the server).`;
}
