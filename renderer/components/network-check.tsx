// "Test the connection": the network self-test (AgentApi.checkNetwork) on request. It shows how
// this device reaches the License API, step by step with timings (the proxy and where that choice
// came from, DNS, TCP, the TLS handshake with the certificate chain as seen, the .well-known
// answer), and the verdict in plain words with what to do. Copy gives support the same lines as
// `varsync diagnostics --network`. The agent sends no secret in it (proxy credentials included).
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { AgentApi } from '../../shared/agent-api.js';
import {
  describeNetworkCheck,
  networkVerdict,
  type NetworkCheckView,
  type NetworkStep,
} from '../../shared/network-check.js';
import { describeError } from '../format.js';
import { CopyButton } from './copy-button.js';

/** Every word this panel shows, in one place (for the message catalogs). */
const WORDS = {
  heading: 'Connection to the License API',
  hint: 'Test how this device reaches the License API: the proxy, the name lookup, the connection, the certificate and the answer. Nothing secret is shown.',
  run: 'Test the connection',
  running: 'Testing…',
  copyWhat: 'connection test result',
  verdictOk: 'Result: ',
  verdictProblem: 'Problem: ',
  action: 'What to do: ',
  ok: 'OK',
  failed: 'Failed',
  trusted: 'Trusted',
  notTrusted: 'Not trusted',
  apiUrl: 'API URL',
  proxy: 'Proxy',
  noProxy: 'None (straight to the server)',
  proxyFrom: (source: string) => `Chosen by: ${source}`,
  dns: 'Name lookup (DNS)',
  tcp: 'Connection (TCP)',
  tls: 'Certificate (TLS)',
  wellKnown: 'License API answer (.well-known)',
  took: (ms: number) => `${ms.toLocaleString('en')} ms`,
  chainLabel: 'Certificate chain as this device sees it',
  certificate: (subject: string, issuer: string, validTo: string) =>
    `${subject}, issued by ${issuer}, valid to ${validTo}`,
  noAddresses: 'no address',
  finished: (ok: boolean) =>
    ok ? 'Connection test finished: the License API answers.' : 'Connection test found a problem.',
};

export interface NetworkCheckPanelProps {
  api: Pick<AgentApi, 'checkNetwork'>;
  announce: (message: string) => void;
}

export function NetworkCheckPanel({ api, announce }: NetworkCheckPanelProps) {
  const [check, setCheck] = useState<NetworkCheckView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const lines = useRef<HTMLDListElement>(null);
  // Also guarded outside state: two clicks can land before the button re-renders as disabled.
  const inFlight = useRef(false);

  async function run() {
    if (inFlight.current) return;
    inFlight.current = true;
    setRunning(true);
    setError(null);
    try {
      const result = await api.checkNetwork();
      setCheck(result);
      announce(WORDS.finished(networkVerdict(result).ok));
    } catch (failure) {
      setCheck(null);
      setError(describeError(failure));
    } finally {
      inFlight.current = false;
      setRunning(false);
    }
  }

  const verdict = check && networkVerdict(check);
  return (
    <section class="panel network-check" aria-labelledby="network-heading" data-testid="network-check">
      <div class="section-head">
        <h2 id="network-heading">{WORDS.heading}</h2>
      </div>
      <p class="hint">{WORDS.hint}</p>
      <div class="button-row">
        <button type="button" onClick={() => void run()} disabled={running} data-testid="network-check-run">
          {running ? WORDS.running : WORDS.run}
        </button>
        {check && (
          <CopyButton
            text={describeNetworkCheck(check).join('\n')}
            what={WORDS.copyWhat}
            source={lines}
            announce={announce}
            testId="network-check-copy"
          />
        )}
      </div>
      {error && (
        <p class="empty" data-testid="network-check-error">
          {error}
        </p>
      )}
      {check && verdict && (
        <>
          <div class="problem" data-state={verdict.ok ? 'synced' : 'failed'} data-testid="network-verdict">
            <p>
              <strong>{verdict.ok ? WORDS.verdictOk : WORDS.verdictProblem}</strong>
              <span data-testid="network-verdict-reason">{verdict.reason}</span>
            </p>
            <p>
              <strong>{WORDS.action}</strong>
              <span data-testid="network-verdict-action">{verdict.action}</span>
            </p>
          </div>
          <dl class="pairs network-steps" ref={lines} data-testid="network-steps">
            <div>
              <dt>{WORDS.apiUrl}</dt>
              <dd>
                <code data-testid="network-api-url">{check.apiUrl}</code>
              </dd>
            </div>
            <div>
              <dt>{WORDS.proxy}</dt>
              <dd data-testid="network-proxy">
                {check.proxy.used ? <code>{check.proxy.used}</code> : WORDS.noProxy}
                <span class="hint" data-testid="network-proxy-source">
                  {' '}
                  {WORDS.proxyFrom(check.proxy.source)}
                </span>
              </dd>
            </div>
            <StepRow label={WORDS.dns} step={check.dns} testId="network-dns">
              {check.dns.host} → {check.dns.addresses?.join(', ') || WORDS.noAddresses}
            </StepRow>
            <StepRow label={WORDS.tcp} step={check.tcp} testId="network-tcp">
              {check.tcp.to}
            </StepRow>
            {check.tls && (
              <StepRow
                label={WORDS.tls}
                step={check.tls}
                testId="network-tls"
                mark={check.tls.authorized ? WORDS.trusted : WORDS.notTrusted}
              >
                {check.tls.protocol ?? ''}
                {check.tls.chain.length > 0 && (
                  <ol class="chain" aria-label={WORDS.chainLabel} data-testid="network-chain">
                    {check.tls.chain.map((certificate, index) => (
                      <li key={index} data-testid="network-certificate">
                        {WORDS.certificate(certificate.subject, certificate.issuer, certificate.validTo)}
                      </li>
                    ))}
                  </ol>
                )}
              </StepRow>
            )}
            <StepRow label={WORDS.wellKnown} step={check.wellKnown} testId="network-well-known" />
          </dl>
        </>
      )}
    </section>
  );
}

function StepRow({
  label,
  step,
  testId,
  mark,
  children,
}: {
  label: string;
  step: NetworkStep;
  testId: string;
  /** The word for the outcome, when "OK"/"Failed" is not the right one. */
  mark?: string;
  children?: ComponentChildren;
}) {
  return (
    <div data-testid={testId} data-ok={String(step.ok)}>
      <dt>{label}</dt>
      <dd>
        <span class="var-state" data-state={step.ok ? 'synced' : 'failed'}>
          <span class="dot" aria-hidden="true" />
          {mark ?? (step.ok ? WORDS.ok : WORDS.failed)}
        </span>{' '}
        <span class="hint">{WORDS.took(step.ms)}</span> {children}
        {step.error && <span class="reason">{step.error}</span>}
      </dd>
    </div>
  );
}
