// The results table printed at the end of `npm run bench`.
import type { Summary } from './stats.js';

export interface ResultRow {
  bench: string;
  metric: string;
  summary: Summary;
  unit: string;
  note?: string;
}

export function row(bench: string, metric: string, summary: Summary, unit: string, note?: string): ResultRow {
  return { bench, metric, summary, unit, note };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function rangeOf(summary: Summary): string {
  if (summary.count <= 1 || summary.min === summary.max) return '';
  return `${formatNumber(summary.min)}–${formatNumber(summary.max)}`;
}

/** A plain-text table: one line per figure, median first, then the range of the repetitions. */
export function formatTable(rows: ResultRow[]): string {
  const header = ['benchmark', 'metric', 'median', 'min–max', 'n', 'unit', 'note'];
  const cells = rows.map((entry) => [
    entry.bench,
    entry.metric,
    formatNumber(entry.summary.median),
    rangeOf(entry.summary),
    String(entry.summary.count),
    entry.unit,
    entry.note ?? '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  const line = (values: string[]) =>
    values
      .map((value, column) => value.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}
