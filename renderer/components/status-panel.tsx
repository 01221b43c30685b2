// The header of the window: the state in words and colour, what is wrong and what to do, the
// numbers that matter, and the buttons. Only the state and the problem are announced to screen
// readers (the countdown ticks every second and would drown everything else).
import type { StatusView } from '../../shared/agent-api.js';
import { formatAgo, formatCountdown, formatDateTime, plural, STATE_WORDS, toMillis } from '../format.js';
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
  const words = STATE_WORDS[status.state] ?? { label: status.state, detail: '' };
  const { explanation, lastError } = status;
  const syncing = busy.has('sync');
  return (
    <section class="panel status" data-state={status.state} aria-labelledby="status-heading">
      <h2 id="status-heading" class="sr-only" tabIndex={-1}>
        Sync status
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
              <strong>Problem: </strong>
              <span data-testid="status-reason">{explanation.reason}</span>
            </p>
            <p>
              <strong>What to do: </strong>
              <span data-testid="status-action">{explanation.action}</span>
            </p>
          </div>
        )}
      </div>
      {lastError && (
        <details class="technical">
          <summary>Technical details</summary>
          <dl class="pairs compact">
            <div>
              <dt>Kind</dt>
              <dd>{lastError.kind}</dd>
            </div>
            <div>
              <dt>Code</dt>
              <dd>
                <code data-testid="error-code">{lastError.code}</code>
              </dd>
            </div>
            <div>
              <dt>Message</dt>
              <dd>{lastError.message}</dd>
            </div>
            {status.clockOffsetMs !== null && (
              <div>
                <dt>Clock offset</dt>
                <dd>{(status.clockOffsetMs / 1000).toFixed(1)} s (server minus this device)</dd>
              </div>
            )}
            <div>
              <dt>Last attempt</dt>
              <dd>
                <Time at={status.lastAttemptAt} fallback="None yet" />
              </dd>
            </div>
          </dl>
        </details>
      )}
      <Facts status={status} />
      <div class="button-row">
        <button type="button" class="primary" onClick={onSyncNow} disabled={syncing} data-testid="sync-now">
          {syncing ? 'Syncing…' : 'Sync now'}
        </button>
        <button
          type="button"
          onClick={onTogglePause}
          disabled={busy.has('pause')}
          data-testid="pause-toggle"
          data-paused={String(status.paused)}
        >
          {status.paused ? 'Resume syncing' : 'Pause syncing'}
        </button>
        {canOpenLogsFolder && (
          <button type="button" onClick={onOpenLogsFolder} disabled={busy.has('logs')} data-testid="open-logs">
            Open logs folder
          </button>
        )}
      </div>
      <Notices status={status} />
    </section>
  );
}

/** The figures that change with time; the only part that re-renders every second. */
function Facts({ status }: { status: StatusView }) {
  const now = useNow();
  const lastSync = toMillis(status.lastSyncAt);
  const nextAttempt = toMillis(status.nextAttemptAt);
  return (
    <dl class="facts">
      <div>
        <dt>Pending</dt>
        <dd>
          <span class="figure" data-testid="pending-count">
            {status.pending.toLocaleString('en')}
          </span>
          {status.failed > 0 && <span class="hint"> and {plural(status.failed, 'refused value')}</span>}
        </dd>
      </div>
      <div>
        <dt>Last successful sync</dt>
        <dd>
          {lastSync === null ? (
            <span data-testid="last-sync">Never</span>
          ) : (
            <>
              <time
                data-testid="last-sync"
                dateTime={new Date(lastSync).toISOString()}
                title={formatDateTime(lastSync)}
              >
                {formatAgo(lastSync, now)}
              </time>
              <span class="hint">{formatDateTime(lastSync)}</span>
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>Next attempt</dt>
        <dd>
          {nextAttempt === null ? (
            <span data-testid="next-attempt">{idleNextAttempt(status)}</span>
          ) : (
            <>
              <time data-testid="next-attempt" dateTime={new Date(nextAttempt).toISOString()}>
                {formatCountdown(nextAttempt, now)}
              </time>
              <span class="hint">{formatDateTime(nextAttempt)}</span>
            </>
          )}
        </dd>
      </div>
    </dl>
  );
}

function idleNextAttempt(status: StatusView): string {
  if (status.paused) return 'Not while paused';
  if (!status.engine.running) return 'When the agent runs';
  if (status.state === 'syncing') return 'Sending now';
  return 'When something changes';
}

/** Things support should know that are not a sync problem. */
function Notices({ status }: { status: StatusView }) {
  const change = status.hardwareId?.change ?? null;
  const recovered = status.database.recovered;
  const notices: Array<{ key: string; text: string }> = [];
  if (!status.engine.running) {
    notices.push({
      key: 'engine',
      text: 'No Varsync agent is running, so nothing is being sent. Changes are kept until it runs again.',
    });
  }
  if (change) {
    notices.push({
      key: 'hwid',
      text: `This device's hardware ID changed on ${formatDateTime(change.detectedAt)} (it was ${change.previous}). ${
        change.followed
          ? 'The agent now uses the configured ID.'
          : 'The agent keeps using the first ID, so the license stays matched.'
      }`,
    });
  }
  if (recovered) {
    notices.push({
      key: 'db',
      text: `The local database could not be read (${recovered.reason}) on ${formatDateTime(recovered.at)} and a new one was started. The old file was kept as ${recovered.movedTo}.`,
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
