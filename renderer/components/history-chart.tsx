// The last 24 hours at a glance, drawn from the sync history: values left pending after each
// attempt (a step line) and every attempt as a dot coloured by its outcome, so that "offline from
// 9 to 11, caught up at 11:02" is seen. Plain SVG; the Activity table beside it holds the same
// data as text, and the figure's description says it in words. Time runs the way the page reads:
// left to right, or right to left in a right-to-left language (the pending scale on the start side).
import { Component } from 'preact';
import type { AttemptView, SyncOutcome } from '../../shared/agent-api.js';
import { ATTEMPT_OUTCOME_STATE } from '../format.js';
import { useI18n } from '../i18n.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const WIDTH = 720;
const HEIGHT = 160;
const PAD = { start: 44, end: 12, top: 12, bottom: 40 };
/** The strip under the line where the attempts' dots sit. */
const DOTS_Y = HEIGHT - PAD.bottom + 14;
const DOT_RADIUS = 4;

/** A dot centred on (cx, DOTS_Y) as path data: two half circles from its leftmost point, `M<x> <y>`. */
const dotAt = (cx: number) =>
  `M${(cx - DOT_RADIUS).toFixed(1)} ${DOTS_Y}a${DOT_RADIUS} ${DOT_RADIUS} 0 1 0 ${2 * DOT_RADIUS} 0` +
  `a${DOT_RADIUS} ${DOT_RADIUS} 0 1 0 ${-2 * DOT_RADIUS} 0`;

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

/** `now` up to the next minute: the chart's newest edge, so an attempt of this very minute is drawn too. */
export const chartNow = (ms: number) => Math.ceil(ms / 60_000) * 60_000;

function Chart({ attempts, now }: ChartProps) {
  const translator = useI18n();
  const { t } = translator;
  const rtl = translator.dir === 'rtl';
  const from = now - DAY_MS;
  const inDay = attempts
    .map((attempt) => ({ attempt, at: Date.parse(attempt.startedAt) + attempt.durationMs }))
    .filter(({ at }) => at >= from && at <= now)
    .sort((a, b) => a.at - b.at);
  const mostPending = Math.max(0, ...inDay.map(({ attempt }) => attempt.pendingAfter ?? 0));
  const peak = Math.max(1, mostPending);
  const along = (at: number) => PAD.start + ((at - from) / DAY_MS) * (WIDTH - PAD.start - PAD.end);
  const x = (at: number) => (rtl ? WIDTH - along(at) : along(at));
  /** The x of the scale's labels, just before the chart starts. */
  const scaleX = rtl ? WIDTH - PAD.start + 6 : PAD.start - 6;
  const y = (pending: number) => HEIGHT - PAD.bottom - (pending / peak) * (HEIGHT - PAD.top - PAD.bottom);

  // A step line: the count holds from one attempt's end to the next.
  const known = inDay.filter(({ attempt }) => attempt.pendingAfter !== null);
  const points = known.flatMap(({ attempt, at }, index) => {
    const next = known[index + 1]?.at ?? now;
    const level = y(attempt.pendingAfter!);
    return [`${x(at).toFixed(1)},${level.toFixed(1)}`, `${x(next).toFixed(1)},${level.toFixed(1)}`];
  });

  // The dots of one outcome are one path (a circle per attempt): 200 attempts make a few elements.
  const dotsByOutcome = new Map<SyncOutcome, string[]>();
  for (const { attempt, at } of inDay) {
    const dots = dotsByOutcome.get(attempt.outcome) ?? [];
    dots.push(dotAt(x(at)));
    dotsByOutcome.set(attempt.outcome, dots);
  }

  const ticks = [0, 6, 12, 18, 24].map((hours) => from + hours * 60 * 60 * 1000);
  const counts = new Map<SyncOutcome, number>();
  for (const { attempt } of inDay) counts.set(attempt.outcome, (counts.get(attempt.outcome) ?? 0) + 1);
  const description =
    inDay.length === 0
      ? t('chart.none')
      : t('chart.summary', {
          count: inDay.length,
          pending: mostPending,
          outcomes: translator.list(
            [...counts].map(([outcome, count]) => t('chart.outcomeCount', { outcome: t(`outcome.${outcome}`), count })),
          ),
        });

  return (
    <figure class="history-chart" data-testid="history-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="history-chart-title history-chart-desc">
        <title id="history-chart-title">{t('chart.title')}</title>
        <desc id="history-chart-desc">{description}</desc>
        <line class="axis" x1={x(from)} x2={x(now)} y1={y(0)} y2={y(0)} />
        <text class="label" x={scaleX} y={y(peak) + 4} text-anchor="end" data-intl>
          {translator.number(peak)}
        </text>
        <text class="label" x={scaleX} y={y(0) + 4} text-anchor="end" data-intl>
          {translator.number(0)}
        </text>
        {ticks.map((at, index) => (
          <text
            key={index}
            class="label"
            x={x(at)}
            y={HEIGHT - 4}
            text-anchor={index === 0 ? 'start' : index === ticks.length - 1 ? 'end' : 'middle'}
            data-intl
          >
            {translator.time(at)}
          </text>
        ))}
        {points.length > 0 && <polyline class="pending-line" points={points.join(' ')} data-testid="pending-line" />}
        {[...dotsByOutcome].map(([outcome, dots]) => (
          <path
            key={outcome}
            class="attempt-dots"
            d={dots.join('')}
            data-state={ATTEMPT_OUTCOME_STATE[outcome]}
            data-outcome={outcome}
          />
        ))}
      </svg>
      <figcaption class="hint">{t('chart.caption')}</figcaption>
    </figure>
  );
}
