// The network self-test's result (main/core/diagnostics/network-check.ts runs it), as the window,
// the status page and `varsync diagnostics --network` show it: the steps with their timings, the
// same lines for a person to read or copy, and the verdict in plain words with what to do.
// Plain data, no secrets: the proxy is shown without its credentials.
import { explainProblem, type Explanation } from './explanations.js';

export interface NetworkStep {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface CertificateView {
  subject: string;
  issuer: string;
  validTo: string;
}

export interface NetworkCheckView {
  apiUrl: string;
  /** The proxy a request to the API uses (`null`: none) and where that choice came from. */
  proxy: { used: string | null; source: string };
  dns: NetworkStep & { host: string; addresses?: string[] };
  tcp: NetworkStep & { to: string };
  /** null for an http:// API URL. */
  tls:
    | (NetworkStep & {
        authorized: boolean;
        protocol?: string;
        chain: CertificateView[];
      })
    | null;
  wellKnown: NetworkStep & { kind?: string; code?: string; clockOffsetMs?: number | null };
}

export interface NetworkVerdict extends Explanation {
  /** The License API answered through the agent's own transport. */
  ok: boolean;
}

/** What the self-test found, in plain words, with what to do: the first step that failed decides. */
export function networkVerdict(check: NetworkCheckView): NetworkVerdict {
  const proxy = check.proxy.used;
  if (check.wellKnown.ok)
    return {
      ok: true,
      reason: `This device reaches the License API${proxy ? ` through the proxy ${proxy}` : ''}.`,
      action: 'Nothing to do.',
    };
  const fix = (explanation: Explanation): NetworkVerdict => ({ ok: false, ...explanation });
  const checkProxy = 'Check the proxy setting (varsync config), or ask your network administrator.';
  if (!check.dns.ok)
    return fix(
      proxy
        ? { reason: `This device cannot find the proxy ${proxy}: its name does not resolve.`, action: checkProxy }
        : {
            reason: `This device cannot find ${check.dns.host}: the name does not resolve.`,
            action:
              'Check the API URL (varsync config) and that this device is on a network; a network that only lets a proxy out needs the proxy setting.',
          },
    );
  if (!check.tcp.ok)
    return fix(
      proxy
        ? { reason: `The proxy ${proxy} does not accept connections.`, action: checkProxy }
        : {
            reason: `Nothing answers at ${check.tcp.to}.`,
            action:
              'Check the API URL and its port (varsync config); a firewall may block it, or this network needs a proxy (proxy setting).',
          },
    );
  const tls = check.tls;
  if (tls && !tls.ok) {
    if (tls.chain.length === 0) {
      const refusedConnect = /CONNECT with HTTP (\d+)/.exec(tls.error ?? '');
      if (refusedConnect)
        return fix(explainProblem({ kind: 'proxy', code: `http_${refusedConnect[1]}`, message: tls.error ?? '' }));
    } else {
      const explanation = explainProblem({ kind: 'tls', code: tls.error ?? '', message: tls.error ?? '' });
      const issuer = commonName(tls.chain[tls.chain.length - 1]!.issuer);
      return fix({ ...explanation, reason: `${explanation.reason} The certificate seen was issued by ${issuer}.` });
    }
  }
  const { kind, code, error } = check.wellKnown;
  return fix(
    kind && code
      ? explainProblem({ kind, code, message: error ?? code })
      : { reason: error ?? 'The License API did not answer.', action: 'See the logs for details.' },
  );
}

/** The self-test in lines a person reads: `varsync diagnostics --network` prints them, the window copies them. */
export function describeNetworkCheck(check: NetworkCheckView): string[] {
  const mark = (step: NetworkStep) => (step.ok ? 'ok' : 'FAILED');
  const detail = (step: NetworkStep) => (step.error ? `: ${step.error}` : '');
  const lines = [
    `API URL:     ${check.apiUrl}`,
    `Proxy:       ${check.proxy.used ?? 'none'} (${check.proxy.source})`,
    `DNS:         ${mark(check.dns)} ${check.dns.host} -> ${check.dns.addresses?.join(', ') ?? '-'} (${check.dns.ms} ms)${detail(check.dns)}`,
    `TCP:         ${mark(check.tcp)} ${check.tcp.to} (${check.tcp.ms} ms)${detail(check.tcp)}`,
  ];
  if (check.tls) {
    lines.push(
      `TLS:         ${check.tls.authorized ? 'trusted' : 'NOT TRUSTED'} ${check.tls.protocol ?? ''} (${check.tls.ms} ms)${detail(check.tls)}`,
    );
    for (const [index, certificate] of check.tls.chain.entries())
      lines.push(
        `  [${index}] ${certificate.subject}, issued by ${certificate.issuer}, valid to ${certificate.validTo}`,
      );
  }
  lines.push(`.well-known: ${mark(check.wellKnown)} (${check.wellKnown.ms} ms)${detail(check.wellKnown)}`);
  const verdict = networkVerdict(check);
  lines.push(`Verdict:     ${verdict.reason}`, `What to do:  ${verdict.action}`);
  return lines;
}

/** "CN=Example CA, O=Example" -> "Example CA"; the whole name when it has no CN. */
function commonName(name: string): string {
  return /(?:^|, )CN=([^,]+)/.exec(name)?.[1] ?? name;
}
