// Activity: the recent sync attempts (what started each, how it ended, requests, values sent,
// duration, the problem, the correlation ID), newest first. Opening one shows its log lines, read
// by the agent from the log folder, with a Copy button: "open Activity, click the red one, copy".
// The list is one tab stop: the arrow keys, Home and End move between its rows (a roving
// tabindex), Enter opens the row's log.
import { Component } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgentApi, AttemptLogView, AttemptView } from '../../shared/agent-api.js';
import {
  ATTEMPT_OUTCOME_STATE,
  ATTEMPT_OUTCOME_WORDS,
  describeError,
  formatCount,
  formatElapsed,
  TRIGGER_WORDS,
} from '../format.js';
import { CopyButton } from './copy-button.js';
import { chartNow, HistoryChart } from './history-chart.js';
import { Time } from './time.js';

export interface ActivityProps {
  attempts: AttemptView[];
  api: Pick<AgentApi, 'getAttemptLog'>;
  announce: (message: string) => void;
}

type Opened = { id: string; log: AttemptLogView | null; error: string | null };

export function Activity({ attempts, api, announce }: ActivityProps) {
  const [opened, setOpened] = useState<Opened | null>(null);
  const request = useRef(0);
  // The row that Tab enters the list at: the last one the reader was on, while it is listed.
  const [current, setCurrent] = useState<string | null>(null);
  const tabStop = attempts.some((attempt) => attempt.correlationId === current)
    ? current
    : (attempts[0]?.correlationId ?? null);
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
      if (ticket === request.current) setOpened({ id, log: null, error: describeError(error) });
    }
  }

  return (
    <section class="panel activity" aria-labelledby="activity-heading" data-testid="activity">
      <div class="section-head">
        <h2 id="activity-heading" tabIndex={-1}>
          Activity
        </h2>
      </div>
      <p class="hint">
        The last {formatCount(attempts.length)} attempts to send, newest first. Open one to see its log lines; support
        may ask you to copy them.
      </p>
      <HistoryChart attempts={attempts} now={chartNow(Date.now())} />
      {attempts.length === 0 ? (
        <p class="empty" data-testid="no-activity">
          No attempts yet: nothing has needed sending.
        </p>
      ) : (
        <div class="table-scroll contained short" role="region" aria-labelledby="activity-heading">
          <table class="data stackable">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Started by</th>
                <th scope="col">Outcome</th>
                <th scope="col">Requests</th>
                <th scope="col">Values sent</th>
                <th scope="col">Took</th>
                <th scope="col">Problem</th>
                <th scope="col">Correlation ID</th>
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
              {attempts.map((attempt) => (
                <AttemptRow
                  key={attempt.correlationId}
                  attempt={attempt}
                  open={opened?.id === attempt.correlationId}
                  tabStop={tabStop === attempt.correlationId}
                  onOpen={openLog}
                />
              ))}
            </tbody>
          </table>
        </div>
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
}

/** An attempt never changes once recorded: its row re-renders only when it is opened or closed, or becomes the tab stop. */
class AttemptRow extends Component<AttemptRowProps> {
  override shouldComponentUpdate(next: AttemptRowProps): boolean {
    return (
      next.open !== this.props.open ||
      next.tabStop !== this.props.tabStop ||
      next.attempt.correlationId !== this.props.attempt.correlationId
    );
  }

  override render() {
    const { attempt, open, tabStop, onOpen } = this.props;
    return (
      <tr data-testid="attempt-row" data-outcome={attempt.outcome} aria-current={open ? 'true' : undefined}>
        <th scope="row" class="time">
          <Time at={attempt.startedAt} />
        </th>
        <td data-label="Started by">{attempt.trigger ? TRIGGER_WORDS[attempt.trigger] : '—'}</td>
        <td data-label="Outcome">
          <span class="var-state" data-state={ATTEMPT_OUTCOME_STATE[attempt.outcome]}>
            <span class="dot" aria-hidden="true" />
            {ATTEMPT_OUTCOME_WORDS[attempt.outcome] ?? attempt.outcome}
          </span>
        </td>
        <td data-label="Requests">{formatCount(attempt.requests)}</td>
        <td data-label="Values sent">{formatCount(attempt.sent)}</td>
        <td data-label="Took">{formatElapsed(attempt.durationMs)}</td>
        <td data-label="Problem">
          {attempt.problem ? (
            <span title={attempt.problem.message}>
              {attempt.problem.kind}: <code>{attempt.problem.code}</code>
            </span>
          ) : (
            '—'
          )}
        </td>
        <td data-label="Correlation ID">
          <button
            type="button"
            class="small link"
            tabIndex={tabStop ? 0 : -1}
            data-attempt={attempt.correlationId}
            onClick={() => onOpen(attempt.correlationId)}
            aria-label={`Show the log of attempt ${attempt.correlationId}`}
            aria-expanded={open}
            aria-controls="attempt-log"
            data-testid="attempt-open"
          >
            <code>{attempt.correlationId}</code>
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
  const heading = useRef<HTMLHeadingElement>(null);
  const lines = useRef<HTMLPreElement>(null);
  // Opening an attempt takes the reader to its lines.
  useEffect(() => heading.current?.focus(), [opened.id]);
  const text = opened.log?.lines.join('\n') ?? '';

  return (
    <div class="attempt-log" id="attempt-log" data-testid="attempt-log" aria-busy={!opened.log && !opened.error}>
      <div class="section-head">
        <h3 ref={heading} tabIndex={-1}>
          Log of attempt <code>{opened.id}</code>
        </h3>
        <div class="button-row">
          {opened.log && opened.log.lines.length > 0 && (
            <CopyButton
              text={text}
              what={`log of attempt ${opened.id}`}
              source={lines}
              announce={announce}
              testId="attempt-log-copy"
            />
          )}
          <button type="button" class="small" onClick={onClose} data-testid="attempt-log-close">
            Close
          </button>
        </div>
      </div>
      {opened.error ? (
        <p class="empty">{opened.error}</p>
      ) : !opened.log ? (
        <p class="loading">Reading the log…</p>
      ) : opened.log.lines.length === 0 ? (
        <p class="empty" data-testid="attempt-log-problem">
          {opened.log.problem}
        </p>
      ) : (
        <>
          {opened.log.truncated && <p class="hint">Only the newest {opened.log.lines.length} lines are shown.</p>}
          <pre
            ref={lines}
            class="log-lines"
            tabIndex={0}
            aria-label={`Log lines of attempt ${opened.id}`}
            data-testid="attempt-log-lines"
          >
            {text}
          </pre>
        </>
      )}
    </div>
  );
}
