// Values the server refused, with its reason, to queue again or drop. Dropping asks first: it
// cannot be undone.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DeadLetterView } from '../../shared/agent-api.js';
import { useI18n } from '../i18n.js';
import { Time } from './time.js';
import { Value } from './value.js';

/** The key of "every dead letter" in `busy` and in the confirmation state. */
export const ALL = '*';

export interface DeadLettersProps {
  deadLetters: DeadLetterView[];
  busy: ReadonlySet<string>;
  onRetry: (names?: string[]) => void;
  onDiscard: (names?: string[]) => void;
}

export function DeadLetters({ deadLetters, busy, onRetry, onDiscard }: DeadLettersProps) {
  const translator = useI18n();
  const { t } = translator;
  const [confirming, setConfirming] = useState<string | null>(null);
  if (deadLetters.length === 0) return null;
  const anyBusy = busy.has(`retry:${ALL}`) || busy.has(`discard:${ALL}`);

  return (
    <section class="panel dead-letters" aria-labelledby="dead-letters-heading" data-testid="dead-letters">
      <div class="section-head">
        <h2 id="dead-letters-heading" tabIndex={-1}>
          {t('refused.heading')}{' '}
          <span class="count" data-intl>
            ({translator.number(deadLetters.length)})
          </span>
        </h2>
        <div class="button-row">
          {confirming === ALL ? (
            <ConfirmDiscard
              question={t('refused.confirmAll', { count: deadLetters.length })}
              testId="discard-all-confirm"
              onConfirm={() => {
                setConfirming(null);
                onDiscard();
              }}
              onCancel={() => setConfirming(null)}
            />
          ) : (
            <>
              <button type="button" onClick={() => onRetry()} disabled={anyBusy} data-testid="retry-all-button">
                {t('refused.retryAll')}
              </button>
              <button
                type="button"
                class="danger"
                onClick={() => setConfirming(ALL)}
                disabled={anyBusy}
                data-testid="discard-all-button"
              >
                {t('refused.discardAll')}
              </button>
            </>
          )}
        </div>
      </div>
      <p class="hint">{t('refused.hint')}</p>
      <div class="table-scroll" role="region" aria-labelledby="dead-letters-heading" tabIndex={0}>
        <table class="data stackable">
          <thead>
            <tr>
              <th scope="col">{t('refused.name')}</th>
              <th scope="col">{t('refused.value')}</th>
              <th scope="col">{t('refused.reason')}</th>
              <th scope="col">{t('refused.attempts')}</th>
              <th scope="col">{t('refused.lastRefused')}</th>
              <th scope="col">
                <span class="sr-only">{t('refused.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deadLetters.map((letter) => {
              const rowBusy = anyBusy || busy.has(`retry:${letter.name}`) || busy.has(`discard:${letter.name}`);
              return (
                <tr key={letter.name} data-testid="dead-letter-row" data-name={letter.name}>
                  <th scope="row" class="name">
                    <code translate={false}>{letter.name}</code>
                  </th>
                  <td class="value" data-label={t('refused.value')}>
                    <Value value={letter.value} />
                  </td>
                  <td class="refusal" data-label={t('refused.reason')}>
                    <div>
                      <code translate={false} data-testid="dead-letter-code">
                        {letter.code}
                      </code>
                      <span lang="en" dir="auto" data-testid="dead-letter-message">
                        {letter.message}
                      </span>
                    </div>
                  </td>
                  <td class="number" data-label={t('refused.attempts')} data-intl>
                    {translator.number(letter.attempts)}
                  </td>
                  <td class="time" data-label={t('refused.lastRefused')}>
                    <Time at={letter.lastFailedAt} />
                  </td>
                  <td class="row-actions">
                    <div class="button-row">
                      {confirming === letter.name ? (
                        <ConfirmDiscard
                          question={t('refused.confirmOne', { name: letter.name })}
                          testId="discard-confirm"
                          onConfirm={() => {
                            setConfirming(null);
                            onDiscard([letter.name]);
                          }}
                          onCancel={() => setConfirming(null)}
                        />
                      ) : (
                        <>
                          <button
                            type="button"
                            class="small"
                            onClick={() => onRetry([letter.name])}
                            disabled={rowBusy}
                            aria-label={t('refused.retryName', { name: letter.name })}
                            data-testid="retry-button"
                          >
                            {t('refused.retry')}
                          </button>
                          <button
                            type="button"
                            class="small danger"
                            onClick={() => setConfirming(letter.name)}
                            disabled={rowBusy}
                            aria-label={t('refused.discardName', { name: letter.name })}
                            data-testid="discard-button"
                          >
                            {t('refused.discardEllipsis')}
                          </button>
                        </>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

interface ConfirmDiscardProps {
  question: string;
  testId: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** "Discard for good? [Discard] [Cancel]" in place of the buttons; Escape cancels. */
function ConfirmDiscard({ question, testId, onConfirm, onCancel }: ConfirmDiscardProps) {
  const { t } = useI18n();
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <span
      class="confirm"
      role="group"
      aria-label={question}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <span class="confirm-question">{question}</span>
      <button type="button" class="small danger" ref={confirmRef} onClick={onConfirm} data-testid={testId}>
        {t('refused.discard')}
      </button>
      <button type="button" class="small" onClick={onCancel} data-testid="discard-cancel">
        {t('refused.cancel')}
      </button>
    </span>
  );
}
