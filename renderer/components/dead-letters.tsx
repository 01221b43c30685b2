// Values the server refused, with its reason, to queue again or drop. Dropping asks first: it
// cannot be undone.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DeadLetterView } from '../../shared/agent-api.js';
import { plural } from '../format.js';
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
  const [confirming, setConfirming] = useState<string | null>(null);
  if (deadLetters.length === 0) return null;
  const anyBusy = busy.has(`retry:${ALL}`) || busy.has(`discard:${ALL}`);

  return (
    <section class="panel dead-letters" aria-labelledby="dead-letters-heading" data-testid="dead-letters">
      <div class="section-head">
        <h2 id="dead-letters-heading" tabIndex={-1}>
          Refused by the server <span class="count">({deadLetters.length.toLocaleString('en')})</span>
        </h2>
        <div class="button-row">
          {confirming === ALL ? (
            <ConfirmDiscard
              question={`Discard all ${plural(deadLetters.length, 'refused value')} for good?`}
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
                Retry all
              </button>
              <button
                type="button"
                class="danger"
                onClick={() => setConfirming(ALL)}
                disabled={anyBusy}
                data-testid="discard-all-button"
              >
                Discard all…
              </button>
            </>
          )}
        </div>
      </div>
      <p class="hint">
        The server would not accept these values, so they are kept here instead of being sent again and again. Fix the
        cause (usually in the application that sets them), then retry; or discard them.
      </p>
      <div class="table-scroll" role="region" aria-labelledby="dead-letters-heading" tabIndex={0}>
        <table class="data stackable">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Server's reason</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last refused</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deadLetters.map((letter) => {
              const rowBusy = anyBusy || busy.has(`retry:${letter.name}`) || busy.has(`discard:${letter.name}`);
              return (
                <tr key={letter.name} data-testid="dead-letter-row" data-name={letter.name}>
                  <th scope="row" class="name">
                    <code>{letter.name}</code>
                  </th>
                  <td class="value" data-label="Value">
                    <Value value={letter.value} />
                  </td>
                  <td class="refusal" data-label="Reason">
                    <div>
                      <code data-testid="dead-letter-code">{letter.code}</code>
                      <span data-testid="dead-letter-message">{letter.message}</span>
                    </div>
                  </td>
                  <td class="number" data-label="Attempts">
                    {letter.attempts}
                  </td>
                  <td class="time" data-label="Last refused">
                    <Time at={letter.lastFailedAt} />
                  </td>
                  <td class="row-actions">
                    <div class="button-row">
                      {confirming === letter.name ? (
                        <ConfirmDiscard
                          question={`Discard ${letter.name} for good?`}
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
                            aria-label={`Retry ${letter.name}`}
                            data-testid="retry-button"
                          >
                            Retry
                          </button>
                          <button
                            type="button"
                            class="small danger"
                            onClick={() => setConfirming(letter.name)}
                            disabled={rowBusy}
                            aria-label={`Discard ${letter.name}`}
                            data-testid="discard-button"
                          >
                            Discard…
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
        Discard
      </button>
      <button type="button" class="small" onClick={onCancel} data-testid="discard-cancel">
        Cancel
      </button>
    </span>
  );
}
