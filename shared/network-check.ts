// The network self-test's result (main/core/diagnostics/network-check.ts runs it), as the window,
// the status page and `varsync diagnostics --network` show it: the steps with their timings, the
// same lines for a person to read or copy, and the verdict in plain words with what to do.
// Plain data, no secrets: the proxy is shown without its credentials.
import { explained, explainProblem, type Explanation } from './explanations.js';

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
  const command = 'varsync config';
  if (check.wellKnown.ok)
    return {
      ok: true,
      ...explained(
        proxy ? { key: 'net.reachesThroughProxy.reason', params: { proxy } } : { key: 'net.reaches.reason' },
        { key: 'net.reaches.action' },
      ),
    };
  const fix = (explanation: Explanation): NetworkVerdict => ({ ok: false, ...explanation });
  const checkProxy = { key: 'net.checkProxy.action', params: { command } } as const;
  if (!check.dns.ok)
    return fix(
      proxy
        ? explained({ key: 'net.proxyUnresolved.reason', params: { proxy } }, checkProxy)
        : explained(
            { key: 'net.hostUnresolved.reason', params: { host: check.dns.host } },
            { key: 'net.hostUnresolved.action', params: { command } },
          ),
    );
  if (!check.tcp.ok)
    return fix(
      proxy
        ? explained({ key: 'net.proxyRefused.reason', params: { proxy } }, checkProxy)
        : explained(
            { key: 'net.nothingAnswers.reason', params: { address: check.tcp.to } },
            { key: 'net.nothingAnswers.action', params: { command } },
          ),
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
      return fix(
        explained(
          { key: 'net.issuedBy.reason', params: { reason: explanation.messages.reason, issuer } },
          explanation.messages.action,
        ),
      );
    }
  }
  const { kind, code, error } = check.wellKnown;
  return fix(
    kind && code
      ? explainProblem({ kind, code, message: error ?? code })
      : explained(
          error ? { key: 'explain.unknown.reason', params: { message: error } } : { key: 'net.noAnswer.reason' },
          { key: 'explain.unknown.action' },
        ),
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
