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
import { Message, useI18n } from '../i18n.js';
import { CopyButton } from './copy-button.js';

export interface NetworkCheckPanelProps {
  api: Pick<AgentApi, 'checkNetwork'>;
  announce: (message: string) => void;
}

export function NetworkCheckPanel({ api, announce }: NetworkCheckPanelProps) {
  const translator = useI18n();
  const { t } = translator;
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
      announce(t(networkVerdict(result).ok ? 'net.finishedOk' : 'net.finishedProblem'));
    } catch (failure) {
      setCheck(null);
      setError(describeError(failure, translator));
    } finally {
      inFlight.current = false;
      setRunning(false);
    }
  }

  const verdict = check && networkVerdict(check);
  return (
    <section class="panel network-check" aria-labelledby="network-heading" data-testid="network-check">
      <div class="section-head">
        <h2 id="network-heading">{t('net.heading')}</h2>
      </div>
      <p class="hint">{t('net.hint')}</p>
      <div class="button-row">
        <button type="button" onClick={() => void run()} disabled={running} data-testid="network-check-run">
          {running ? t('net.running') : t('net.run')}
        </button>
        {check && (
          <CopyButton
            text={describeNetworkCheck(check).join('\n')}
            what={t('net.copyWhat')}
            source={lines}
            announce={announce}
            testId="network-check-copy"
          />
        )}
      </div>
      {error && (
        <p class="empty" lang="en" dir="auto" data-testid="network-check-error">
          {error}
        </p>
      )}
      {check && verdict && (
        <>
          <div class="problem" data-state={verdict.ok ? 'synced' : 'failed'} data-testid="network-verdict">
            <p>
              <strong>{verdict.ok ? t('net.result') : t('status.problem')}</strong>{' '}
              <span data-testid="network-verdict-reason">{translator.say(verdict.messages.reason)}</span>
            </p>
            <p>
              <strong>{t('status.whatToDo')}</strong>{' '}
              <span data-testid="network-verdict-action">{translator.say(verdict.messages.action)}</span>
            </p>
          </div>
          <dl class="pairs network-steps" ref={lines} data-testid="network-steps">
            <div>
              <dt>{t('net.apiUrl')}</dt>
              <dd>
                <code translate={false} data-testid="network-api-url">
                  {check.apiUrl}
                </code>
              </dd>
            </div>
            <div>
              <dt>{t('net.proxy')}</dt>
              <dd data-testid="network-proxy">
                {check.proxy.used ? <code translate={false}>{check.proxy.used}</code> : t('net.noProxy')}{' '}
                <span class="hint" data-testid="network-proxy-source">
                  <Message
                    id="net.proxyFrom"
                    parts={{
                      source: (
                        <span lang="en" dir="auto">
                          {check.proxy.source}
                        </span>
                      ),
                    }}
                  />
                </span>
              </dd>
            </div>
            <StepRow label={t('net.dns')} step={check.dns} testId="network-dns">
              <span translate={false} dir="ltr">
                {check.dns.host} → {check.dns.addresses?.join(', ')}
              </span>
              {!check.dns.addresses?.length && t('net.noAddresses')}
            </StepRow>
            <StepRow label={t('net.tcp')} step={check.tcp} testId="network-tcp">
              <span translate={false} dir="ltr">
                {check.tcp.to}
              </span>
            </StepRow>
            {check.tls && (
              <StepRow
                label={t('net.tls')}
                step={check.tls}
                testId="network-tls"
                mark={check.tls.authorized ? t('net.trusted') : t('net.notTrusted')}
              >
                <span translate={false}>{check.tls.protocol ?? ''}</span>
                {check.tls.chain.length > 0 && (
                  <ol class="chain" aria-label={t('net.chain')} data-testid="network-chain">
                    {check.tls.chain.map((certificate, index) => (
                      <li key={index} data-testid="network-certificate">
                        {t('net.certificate', {
                          subject: certificate.subject,
                          issuer: certificate.issuer,
                          validTo: certificate.validTo,
                        })}
                      </li>
                    ))}
                  </ol>
                )}
              </StepRow>
            )}
            <StepRow label={t('net.wellKnown')} step={check.wellKnown} testId="network-well-known" />
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
  const translator = useI18n();
  return (
    <div data-testid={testId} data-ok={String(step.ok)}>
      <dt>{label}</dt>
      <dd>
        <span class="var-state" data-state={step.ok ? 'synced' : 'failed'}>
          <span class="dot" aria-hidden="true" />
          {mark ?? translator.t(step.ok ? 'net.ok' : 'net.failed')}
        </span>{' '}
        <span class="hint" data-intl>
          {translator.elapsed(step.ms)}
        </span>{' '}
        {children}
        {step.error && (
          <span class="reason" lang="en" dir="auto">
            {step.error}
          </span>
        )}
      </dd>
    </div>
  );
}
