// The header of the window: the state in words and colour, what is wrong and what to do, the
// numbers that matter, and the buttons. Only the state and the problem are announced to screen
// readers (the countdown ticks every second and would drown everything else).
import type { StatusView } from '../../shared/agent-api.js';
import type { Explanation } from '../../shared/explanations.js';
import type { MessageKey, Translator } from '../../shared/i18n/translator.js';
import { kindWord, stateWords, toMillis } from '../format.js';
import { useI18n } from '../i18n.js';
import { useNow } from '../use-agent.js';
import { Time } from './time.js';

export interface StatusPanelProps {
  status: StatusView;
  busy: ReadonlySet<string>;
  canOpenLogsFolder: boolean;
  onSyncNow: () => void;
  onTogglePause: () => void;
  onOpenLogsFolder: () => void;
}

export function StatusPanel({
  status,
  busy,
  canOpenLogsFolder,
  onSyncNow,
  onTogglePause,
  onOpenLogsFolder,
}: StatusPanelProps) {
  const translator = useI18n();
  const { t } = translator;
  const words = stateWords(t, status.state);
  const { explanation, lastError } = status;
  const syncing = busy.has('sync');
  return (
    <section class="panel status" data-state={status.state} aria-labelledby="status-heading">
      <h2 id="status-heading" class="sr-only" tabIndex={-1}>
        {t('status.heading')}
      </h2>
      <div class="live" aria-live="polite" aria-atomic="true">
        <p class="state-line">
          <span class="state-pill" data-testid="status-state" data-state={status.state}>
            <span class="dot" aria-hidden="true" />
            {words.label}
          </span>
          <span class="state-detail">{words.detail}</span>
        </p>
        {explanation && (
          <div class="problem" data-testid="problem">
            <p>
              <strong>{t('status.problem')}</strong>{' '}
              <span data-testid="status-reason">{explained(translator, explanation, 'reason')}</span>
            </p>
            <p>
              <strong>{t('status.whatToDo')}</strong>{' '}
              <span data-testid="status-action">{explained(translator, explanation, 'action')}</span>
            </p>
          </div>
        )}
      </div>
      {lastError && (
        <details class="technical">
          <summary>{t('status.technical')}</summary>
          <dl class="pairs compact">
            <div>
              <dt>{t('status.kind')}</dt>
              <dd>{kindWord(translator, lastError.kind)}</dd>
            </div>
            <div>
              <dt>{t('status.code')}</dt>
              <dd>
                <code translate={false} data-testid="error-code">
                  {lastError.code}
                </code>
              </dd>
            </div>
            <div>
              <dt>{t('status.message')}</dt>
              <dd lang="en" dir="auto">
                {lastError.message}
              </dd>
            </div>
            {status.clockOffsetMs !== null && (
              <div>
                <dt>{t('status.clockOffset')}</dt>
                <dd>
                  {t('status.clockOffsetValue', {
                    seconds: translator.number(status.clockOffsetMs / 1000, {
                      minimumFractionDigits: 1,
                      maximumFractionDigits: 1,
                    }),
                  })}
                </dd>
              </div>
            )}
            <div>
              <dt>{t('status.lastAttempt')}</dt>
              <dd>
                <Time at={status.lastAttemptAt} fallback={t('status.noneYet')} />
              </dd>
            </div>
          </dl>
        </details>
      )}
      <Facts status={status} />
      <div class="button-row">
        <button type="button" class="primary" onClick={onSyncNow} disabled={syncing} data-testid="sync-now">
          {syncing ? t('status.syncing') : t('status.syncNow')}
        </button>
        <button
          type="button"
          onClick={onTogglePause}
          disabled={busy.has('pause')}
          data-testid="pause-toggle"
          data-paused={String(status.paused)}
        >
          {status.paused ? t('status.resume') : t('status.pause')}
        </button>
        {canOpenLogsFolder && (
          <button type="button" onClick={onOpenLogsFolder} disabled={busy.has('logs')} data-testid="open-logs">
            {t('status.openLogs')}
          </button>
        )}
      </div>
      <Notices status={status} />
    </section>
  );
}

/** The figures that change with time; the only part that re-renders every second. */
function Facts({ status }: { status: StatusView }) {
  const translator = useI18n();
  const { t } = translator;
  const now = useNow();
  const lastSync = toMillis(status.lastSyncAt);
  const nextAttempt = toMillis(status.nextAttemptAt);
  return (
    <dl class="facts">
      <div>
        <dt>{t('status.pending')}</dt>
        <dd>
          <span class="figure" data-testid="pending-count" data-intl>
            {translator.number(status.pending)}
          </span>
          {status.failed > 0 && <span class="hint"> {t('status.andRefused', { count: status.failed })}</span>}
        </dd>
      </div>
      <div>
        <dt>{t('status.lastSync')}</dt>
        <dd>
          {lastSync === null ? (
            <span data-testid="last-sync">{t('status.never')}</span>
          ) : (
            <>
              <time
                data-testid="last-sync"
                dateTime={new Date(lastSync).toISOString()}
                title={translator.dateTime(lastSync)}
              >
                {translator.ago(lastSync, now)}
              </time>
              <time class="hint" dateTime={new Date(lastSync).toISOString()}>
                {translator.dateTime(lastSync)}
              </time>
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>{t('status.nextAttempt')}</dt>
        <dd>
          {nextAttempt === null ? (
            <span data-testid="next-attempt">{t(idleNextAttempt(status))}</span>
          ) : (
            <>
              <time data-testid="next-attempt" dateTime={new Date(nextAttempt).toISOString()}>
                {translator.countdown(nextAttempt, now)}
              </time>
              <time class="hint" dateTime={new Date(nextAttempt).toISOString()}>
                {translator.dateTime(nextAttempt)}
              </time>
            </>
          )}
        </dd>
      </div>
    </dl>
  );
}

function idleNextAttempt(status: StatusView): MessageKey {
  if (status.paused) return 'status.next.paused';
  if (!status.engine.running) return 'status.next.notRunning';
  if (status.state === 'syncing') return 'status.next.sending';
  return 'status.next.idle';
}

/** One sentence of an explanation in this window's language (the agent names its catalog message). */
function explained(translator: Translator, explanation: Explanation, part: 'reason' | 'action'): string {
  const message = explanation.messages?.[part];
  return message ? translator.say(message) : explanation[part];
}

/** Things support should know that are not a sync problem. */
function Notices({ status }: { status: StatusView }) {
  const translator = useI18n();
  const { t } = translator;
  const change = status.hardwareId?.change ?? null;
  const recovered = status.database.recovered;
  const notices: Array<{ key: string; text: string }> = [];
  if (!status.engine.running) {
    notices.push({
      key: 'engine',
      text: t('status.notice.engineStopped'),
    });
  }
  if (change) {
    notices.push({
      key: 'hwid',
      text: `${t('status.notice.hardwareIdChanged', {
        date: translator.dateTime(change.detectedAt),
        previous: change.previous,
      })} ${t(change.followed ? 'status.notice.hardwareIdFollowed' : 'status.notice.hardwareIdKept')}`,
    });
  }
  if (recovered) {
    notices.push({
      key: 'db',
      text: t('status.notice.databaseRecovered', {
        reason: recovered.reason,
        date: translator.dateTime(recovered.at),
        path: recovered.movedTo,
      }),
    });
  }
  if (notices.length === 0) return null;
  return (
    <ul class="notices" data-testid="notices">
      {notices.map((notice) => (
        <li key={notice.key} data-notice={notice.key}>
          {notice.text}
        </li>
      ))}
    </ul>
  );
}
