// Activity: the recent sync attempts (what started each, how it ended, requests, values sent,
// duration, the problem, the correlation ID), newest first. Opening one shows its log lines, read
// by the agent from the log folder, with a Copy button: "open Activity, click the red one, copy".
// The list is one tab stop: the arrow keys, Home and End move between its rows (a roving
// tabindex), Enter opens the row's log. It lists the latest attempts until asked for all (activity-rows.ts).
import { Component } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgentApi, AttemptLogView, AttemptView } from '../../shared/agent-api.js';
import type { Translator } from '../../shared/i18n/translator.js';
import { LATEST_ATTEMPTS_SHOWN, listedAttempts } from '../activity-rows.js';
import { ATTEMPT_OUTCOME_STATE, describeError, kindWord } from '../format.js';
import { whenIdle } from '../idle.js';
import { Message, useI18n } from '../i18n.js';
import { CopyButton } from './copy-button.js';
import { chartNow, HistoryChart } from './history-chart.js';
import { Time } from './time.js';

export interface ActivityProps {
  /** Null until the first answer: the section says it is loading. */
  attempts: AttemptView[] | null;
  api: Pick<AgentApi, 'getAttemptLog'>;
  announce: (message: string) => void;
}

const NO_ATTEMPTS: AttemptView[] = [];

type Opened = { id: string; log: AttemptLogView | null; error: string | null };

export function Activity({ attempts: loaded, api, announce }: ActivityProps) {
  const attempts = loaded ?? NO_ATTEMPTS;
  const translator = useI18n();
  const { t } = translator;
  const [opened, setOpened] = useState<Opened | null>(null);
  const [showAll, setShowAll] = useState(false);
  // The first frame with attempts lists what the box shows; the rest of the latest once idle.
  const [firstFrame, setFirstFrame] = useState(true);
  const hasAttempts = loaded !== null;
  useEffect(() => (hasAttempts && firstFrame ? whenIdle(() => setFirstFrame(false)) : undefined), [hasAttempts]);
  const listed = listedAttempts(attempts, showAll, firstFrame);
  const request = useRef(0);
  // The row that Tab enters the list at: the last one the reader was on, while it is listed.
  const [current, setCurrent] = useState<string | null>(null);
  const tabStop = listed.some((attempt) => attempt.correlationId === current)
    ? current
    : (listed[0]?.correlationId ?? null);
  const rows = useRef<HTMLTableSectionElement>(null);

  // One function for every row, so that rows re-render only when they open or close.
  const openLog = useRef((id: string) => void open(id)).current;

  async function open(id: string) {
    const ticket = ++request.current;
    setOpened({ id, log: null, error: null });
    try {
      const log = await api.getAttemptLog(id);
      if (ticket === request.current) setOpened({ id, log, error: null });
    } catch (error) {
      if (ticket === request.current) setOpened({ id, log: null, error: describeError(error, translator) });
    }
  }

  return (
    <section class="panel activity" aria-labelledby="activity-heading" data-testid="activity">
      <div class="section-head">
        <h2 id="activity-heading" tabIndex={-1}>
          {t('activity.heading')}
        </h2>
      </div>
      {loaded === null ? (
        <p class="hint loading">{t('app.loading')}</p>
      ) : (
        <>
          <p class="hint">{t('activity.hint', { count: attempts.length })}</p>
          <HistoryChart attempts={attempts} now={chartNow(Date.now())} />
        </>
      )}
      {loaded === null ? null : attempts.length === 0 ? (
        <p class="empty" data-testid="no-activity">
          {t('activity.empty')}
        </p>
      ) : (
        <div class="table-scroll contained short" role="region" aria-labelledby="activity-heading">
          <table class="data stackable">
            <thead>
              <tr>
                <th scope="col">{t('activity.when')}</th>
                <th scope="col">{t('activity.startedBy')}</th>
                <th scope="col">{t('activity.outcome')}</th>
                <th scope="col">{t('activity.requests')}</th>
                <th scope="col">{t('activity.sent')}</th>
                <th scope="col">{t('activity.took')}</th>
                <th scope="col">{t('activity.problem')}</th>
                <th scope="col">{t('activity.correlationId')}</th>
              </tr>
            </thead>
            <tbody
              ref={rows}
              onKeyDown={(event) => moveAmongRows(event, rows.current)}
              onFocusIn={(event) => {
                const id = (event.target as HTMLElement).dataset['attempt'];
                if (id) setCurrent(id);
              }}
            >
              {listed.map((attempt) => (
                <AttemptRow
                  key={attempt.correlationId}
                  attempt={attempt}
                  open={opened?.id === attempt.correlationId}
                  tabStop={tabStop === attempt.correlationId}
                  onOpen={openLog}
                  translator={translator}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {attempts.length > LATEST_ATTEMPTS_SHOWN && (
        <button
          type="button"
          class="small link"
          aria-expanded={showAll}
          onClick={() => setShowAll(!showAll)}
          data-testid="activity-show-all"
        >
          {showAll
            ? t('activity.showLatest', { count: LATEST_ATTEMPTS_SHOWN })
            : t('activity.showAll', { count: attempts.length })}
        </button>
      )}
      {opened && <AttemptLog opened={opened} onClose={() => setOpened(null)} announce={announce} />}
    </section>
  );
}

/** The keys that move focus among the rows' buttons, and where each takes it from `index` of `count`. */
const ROW_KEYS: Record<string, (index: number, count: number) => number> = {
  ArrowDown: (index, count) => Math.min(count - 1, index + 1),
  ArrowUp: (index) => Math.max(0, index - 1),
  Home: () => 0,
  End: (_index, count) => count - 1,
};

/** Arrow keys, Home and End on a row: focus the button of the row they lead to (it becomes the tab stop on focus). */
function moveAmongRows(event: KeyboardEvent, body: HTMLElement | null): void {
  const move = ROW_KEYS[event.key];
  if (!move || !body || event.altKey || event.ctrlKey || event.metaKey) return;
  const buttons = [...body.querySelectorAll<HTMLButtonElement>('button[data-attempt]')];
  const index = buttons.findIndex((button) => button.contains(event.target as Node));
  if (index === -1) return;
  event.preventDefault();
  buttons[move(index, buttons.length)]?.focus();
}

interface AttemptRowProps {
  attempt: AttemptView;
  open: boolean;
  /** This row's button is the list's one tab stop. */
  tabStop: boolean;
  onOpen: (id: string) => void;
  translator: Translator;
}

/** An attempt never changes once recorded: its row re-renders only when it is opened or closed, becomes the tab stop, or the language changes. */
class AttemptRow extends Component<AttemptRowProps> {
  override shouldComponentUpdate(next: AttemptRowProps): boolean {
    return (
      next.open !== this.props.open ||
      next.tabStop !== this.props.tabStop ||
      next.attempt.correlationId !== this.props.attempt.correlationId ||
      next.translator !== this.props.translator
    );
  }

  override render() {
    const { attempt, open, tabStop, onOpen, translator } = this.props;
    const { t } = translator;
    return (
      <tr data-testid="attempt-row" data-outcome={attempt.outcome} aria-current={open ? 'true' : undefined}>
        <th scope="row" class="time">
          <Time at={attempt.startedAt} />
        </th>
        <td data-label={t('activity.startedBy')}>{attempt.trigger ? t(`trigger.${attempt.trigger}`) : '—'}</td>
        <td data-label={t('activity.outcome')}>
          <span class="var-state" data-state={ATTEMPT_OUTCOME_STATE[attempt.outcome]}>
            <span class="dot" aria-hidden="true" />
            {t(`outcome.${attempt.outcome}`)}
          </span>
        </td>
        <td data-label={t('activity.requests')} data-intl>
          {translator.number(attempt.requests)}
        </td>
        <td data-label={t('activity.sent')} data-intl>
          {translator.number(attempt.sent)}
        </td>
        <td data-label={t('activity.took')} data-intl>
          {translator.elapsed(attempt.durationMs)}
        </td>
        <td data-label={t('activity.problem')}>
          {attempt.problem ? (
            <span title={attempt.problem.message}>
              <Message
                id="activity.problemValue"
                params={{ kind: kindWord(translator, attempt.problem.kind) }}
                parts={{ code: <code translate={false}>{attempt.problem.code}</code> }}
              />
            </span>
          ) : (
            '—'
          )}
        </td>
        <td data-label={t('activity.correlationId')}>
          <button
            type="button"
            class="small link"
            tabIndex={tabStop ? 0 : -1}
            data-attempt={attempt.correlationId}
            onClick={() => onOpen(attempt.correlationId)}
            aria-label={t('activity.open', { id: attempt.correlationId })}
            aria-expanded={open}
            aria-controls="attempt-log"
            data-testid="attempt-open"
          >
            <code translate={false}>{attempt.correlationId}</code>
          </button>
        </td>
      </tr>
    );
  }
}

function AttemptLog({
  opened,
  onClose,
  announce,
}: {
  opened: Opened;
  onClose: () => void;
  announce: (message: string) => void;
}) {
  const translator = useI18n();
  const { t } = translator;
  const heading = useRef<HTMLHeadingElement>(null);
  const lines = useRef<HTMLPreElement>(null);
  // Opening an attempt takes the reader to its lines.
  useEffect(() => heading.current?.focus(), [opened.id]);
  const text = opened.log?.lines.join('\n') ?? '';

  return (
    <div class="attempt-log" id="attempt-log" data-testid="attempt-log" aria-busy={!opened.log && !opened.error}>
      <div class="section-head">
        <h3 ref={heading} tabIndex={-1}>
          <Message id="log.heading" parts={{ id: <code translate={false}>{opened.id}</code> }} />
        </h3>
        <div class="button-row">
          {opened.log && opened.log.lines.length > 0 && (
            <CopyButton
              text={text}
              what={t('log.what', { id: opened.id })}
              source={lines}
              announce={announce}
              testId="attempt-log-copy"
            />
          )}
          <button type="button" class="small" onClick={onClose} data-testid="attempt-log-close">
            {t('log.close')}
          </button>
        </div>
      </div>
      {opened.error ? (
        <p class="empty" lang="en" dir="auto">
          {opened.error}
        </p>
      ) : !opened.log ? (
        <p class="loading">{t('log.reading')}</p>
      ) : opened.log.lines.length === 0 ? (
        <p class="empty" lang="en" dir="auto" data-testid="attempt-log-problem">
          {opened.log.problem}
        </p>
      ) : (
        <>
          {opened.log.truncated && <p class="hint">{t('log.truncated', { count: opened.log.lines.length })}</p>}
          <pre
            ref={lines}
            class="log-lines"
            translate={false}
            dir="ltr"
            tabIndex={0}
            aria-label={t('log.lines', { id: opened.id })}
            data-testid="attempt-log-lines"
          >
            {text}
          </pre>
        </>
      )}
    </div>
  );
}
