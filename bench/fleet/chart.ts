// The fleet run as an SVG: requests per second the License API accepted and refused (429), with
// the plan's limit as a line, and the values still pending over time. Plain SVG, no library.
import type { FleetRun } from './fleet.js';

const WIDTH = 900;
const PANEL = 220;
const MARGIN = { left: 60, right: 20, top: 40, gap: 60, bottom: 40 };

export function fleetChart(run: FleetRun, title: string): string {
  const { report } = run;
  // From a minute before the API's return to the end of the run.
  const from = Math.max(0, run.returnSecond - 60);
  const length = Math.max(run.pending.length, run.perSecond.accepted.length) - from;
  const at = (series: number[], second: number) => series[from + second] ?? 0;
  const accepted = Array.from(
    { length },
    (_, s) => at(run.perSecond.accepted, s) + at(run.perSecond.vendorAccepted, s),
  );
  const refused = Array.from({ length }, (_, s) => at(run.perSecond.refused, s) + at(run.perSecond.vendorRefused, s));
  const pending = Array.from({ length }, (_, s) => at(run.pending, s));
  const limit = run.perMinute / 60;
  const rateMax = niceMax(Math.max(limit * 1.5, ...smooth(accepted), ...smooth(refused)));
  const pendingMax = niceMax(Math.max(1, ...pending));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const x = (second: number) => MARGIN.left + (second / Math.max(1, length - 1)) * plotWidth;
  const top1 = MARGIN.top;
  const top2 = MARGIN.top + PANEL + MARGIN.gap;
  const y1 = (value: number) => top1 + PANEL - (value / rateMax) * PANEL;
  const y2 = (value: number) => top2 + PANEL - (value / pendingMax) * PANEL;
  const height = top2 + PANEL + MARGIN.bottom;
  const line = (values: number[], y: (v: number) => number, colour: string) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${values
      .map((value, second) => `${x(second).toFixed(1)},${y(value).toFixed(1)}`)
      .join(' ')}"/>`;
  const returnX = x(run.returnSecond - from);
  const ticks = timeTicks(length, from - run.returnSecond);
  const summary =
    `${report.devices} devices, ${report.plan} plan (${limit}/s), ${report.outageMinutes}-min outage, ` +
    `policy ${report.policy}, seed ${report.seed}: ${report.rateLimited} x 429 (${pct(report.rateLimitedShare)}), ` +
    `drain ${report.drainSeconds === null ? 'not finished' : `${Math.round(report.drainSeconds)} s`} ` +
    `(minimum ${Math.round(report.minimumDrainSeconds)} s), vendor app refused ${pct(report.vendorRefusedShare)}, lost ${report.lost}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="18" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<text x="${MARGIN.left}" y="32" fill="#444">${escape(summary)}</text>`,
    axes(top1, rateMax, 'requests/s (5-s average)', x, ticks, plotWidth),
    line(smooth(accepted), y1, '#2a7d2a'),
    line(smooth(refused), y1, '#c62828'),
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y1(limit)}" y2="${y1(limit)}" stroke="#555" stroke-dasharray="6 4"/>`,
    `<text x="${MARGIN.left + plotWidth - 4}" y="${y1(limit) - 4}" text-anchor="end" fill="#555">plan limit ${limit}/s</text>`,
    legend(MARGIN.left + 8, top1 + 14, [
      ['#2a7d2a', 'accepted (fleet + vendor app)'],
      ['#c62828', 'refused (429)'],
    ]),
    axes(top2, pendingMax, 'values pending', x, ticks, plotWidth),
    line(pending, y2, '#1f5fa8'),
    `<line x1="${returnX}" x2="${returnX}" y1="${top1}" y2="${top2 + PANEL}" stroke="#888" stroke-dasharray="2 3"/>`,
    `<text x="${returnX + 4}" y="${top2 - 8}" fill="#666">API back</text>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle" fill="#444">seconds since the API came back</text>`,
    '</svg>',
    '',
  ].join('\n');
}

function axes(
  top: number,
  max: number,
  label: string,
  x: (second: number) => number,
  ticks: Array<{ second: number; label: string }>,
  plotWidth: number,
): string {
  const parts = [
    `<rect x="${MARGIN.left}" y="${top}" width="${plotWidth}" height="${PANEL}" fill="none" stroke="#ccc"/>`,
    `<text x="12" y="${top + PANEL / 2}" transform="rotate(-90 12 ${top + PANEL / 2})" text-anchor="middle" fill="#444">${escape(label)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const value = (max / 4) * i;
    const y = top + PANEL - (PANEL / 4) * i;
    parts.push(`<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end" fill="#666">${Math.round(value)}</text>`);
    if (i > 0)
      parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y}" y2="${y}" stroke="#eee"/>`);
  }
  for (const tick of ticks)
    parts.push(
      `<text x="${x(tick.second)}" y="${top + PANEL + 14}" text-anchor="middle" fill="#666">${tick.label}</text>`,
    );
  return parts.join('\n');
}

function legend(left: number, top: number, entries: Array<[string, string]>): string {
  return entries
    .map(
      ([colour, label], i) =>
        `<rect x="${left + i * 220}" y="${top - 9}" width="12" height="3" fill="${colour}"/><text x="${left + i * 220 + 16}" y="${top - 4}">${escape(label)}</text>`,
    )
    .join('\n');
}

function timeTicks(length: number, offset: number): Array<{ second: number; label: string }> {
  const step = [30, 60, 120, 300, 600, 1200].find((candidate) => length / candidate <= 12) ?? 3600;
  const ticks = [];
  for (let t = Math.ceil(offset / step) * step; t <= offset + length; t += step)
    ticks.push({ second: t - offset, label: String(t) });
  return ticks;
}

/** A 5-second moving average, so the chart shows rates rather than noise. */
function smooth(values: number[]): number[] {
  return values.map((_, i) => {
    const window = values.slice(Math.max(0, i - 2), i + 3);
    return window.reduce((sum, v) => sum + v, 0) / window.length;
  });
}

function niceMax(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= value)!;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
