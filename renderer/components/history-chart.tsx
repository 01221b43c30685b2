// The last 24 hours at a glance, drawn from the sync history: values left pending after each
// attempt (a step line) and every attempt as a dot coloured by its outcome, so that "offline from
// 9 to 11, caught up at 11:02" is seen. Plain SVG; the Activity table beside it holds the same
// data as text, and the figure's description says it in words.
import { Component } from 'preact';
import type { AttemptView, SyncOutcome } from '../../shared/agent-api.js';
import { ATTEMPT_OUTCOME_STATE, ATTEMPT_OUTCOME_WORDS, plural } from '../format.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const WIDTH = 720;
const HEIGHT = 160;
const PAD = { left: 44, right: 12, top: 12, bottom: 40 };
/** The strip under the line where the attempts' dots sit. */
const DOTS_Y = HEIGHT - PAD.bottom + 14;

let hourFormat: Intl.DateTimeFormat | null = null;

interface ChartProps {
  attempts: AttemptView[];
  now: number;
}

/** Drawn again only when the attempts change or a minute passes (a minute is half a pixel here): not on every refresh. */
export class HistoryChart extends Component<ChartProps> {
  override shouldComponentUpdate(next: ChartProps): boolean {
    return next.attempts !== this.props.attempts || next.now !== this.props.now;
  }

  override render() {
    return <Chart {...this.props} />;
  }
}

/** `now` to the minute: the chart's right edge. */
export const chartNow = (ms: number) => Math.floor(ms / 60_000) * 60_000;

function Chart({ attempts, now }: ChartProps) {
  const from = now - DAY_MS;
  const inDay = attempts
    .map((attempt) => ({ attempt, at: Date.parse(attempt.startedAt) + attempt.durationMs }))
    .filter(({ at }) => at >= from && at <= now)
    .sort((a, b) => a.at - b.at);
  const mostPending = Math.max(0, ...inDay.map(({ attempt }) => attempt.pendingAfter ?? 0));
  const peak = Math.max(1, mostPending);
  const x = (at: number) => PAD.left + ((at - from) / DAY_MS) * (WIDTH - PAD.left - PAD.right);
  const y = (pending: number) => HEIGHT - PAD.bottom - (pending / peak) * (HEIGHT - PAD.top - PAD.bottom);

  // A step line: the count holds from one attempt's end to the next.
  const known = inDay.filter(({ attempt }) => attempt.pendingAfter !== null);
  const points = known.flatMap(({ attempt, at }, index) => {
    const next = known[index + 1]?.at ?? now;
    const level = y(attempt.pendingAfter!);
    return [`${x(at).toFixed(1)},${level.toFixed(1)}`, `${x(next).toFixed(1)},${level.toFixed(1)}`];
  });

  hourFormat ??= new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
  const ticks = [0, 6, 12, 18, 24].map((hours) => from + hours * 60 * 60 * 1000);
  const counts = new Map<SyncOutcome, number>();
  for (const { attempt } of inDay) counts.set(attempt.outcome, (counts.get(attempt.outcome) ?? 0) + 1);
  const description =
    inDay.length === 0
      ? 'No attempts to send in the last 24 hours.'
      : `${plural(inDay.length, 'attempt')} in the last 24 hours: ${[...counts]
          .map(([outcome, count]) => `${count} ${ATTEMPT_OUTCOME_WORDS[outcome].toLowerCase()}`)
          .join(', ')}. At most ${plural(mostPending, 'value')} left pending after an attempt.`;

  return (
    <figure class="history-chart" data-testid="history-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="history-chart-title history-chart-desc">
        <title id="history-chart-title">The last 24 hours</title>
        <desc id="history-chart-desc">{description}</desc>
        <line class="axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} />
        <text class="label" x={PAD.left - 6} y={y(peak) + 4} text-anchor="end">
          {peak.toLocaleString()}
        </text>
        <text class="label" x={PAD.left - 6} y={y(0) + 4} text-anchor="end">
          0
        </text>
        {ticks.map((at, index) => (
          <text
            key={index}
            class="label"
            x={x(at)}
            y={HEIGHT - 4}
            text-anchor={index === 0 ? 'start' : index === ticks.length - 1 ? 'end' : 'middle'}
          >
            {hourFormat!.format(at)}
          </text>
        ))}
        {points.length > 0 && <polyline class="pending-line" points={points.join(' ')} data-testid="pending-line" />}
        {inDay.map(({ attempt, at }) => (
          <circle
            key={attempt.correlationId}
            class="attempt-dot"
            cx={x(at)}
            cy={DOTS_Y}
            r={4}
            data-state={ATTEMPT_OUTCOME_STATE[attempt.outcome]}
            data-outcome={attempt.outcome}
          />
        ))}
      </svg>
      <figcaption class="hint">
        Line: values waiting to be sent after each attempt. Dots: attempts, coloured as in the list below (green: sent;
        red: failed or on hold).
      </figcaption>
    </figure>
  );
}
