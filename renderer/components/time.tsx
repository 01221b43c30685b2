import { toMillis } from '../format.js';
import { useI18n } from '../i18n.js';

/** A point in time as the reader's local date and time, machine-readable in `datetime`. */
export function Time({ at, fallback = '—' }: { at: string | number | null | undefined; fallback?: string }) {
  const translator = useI18n();
  const ms = toMillis(at);
  if (ms === null) return <span class="muted">{fallback}</span>;
  return <time dateTime={new Date(ms).toISOString()}>{translator.dateTime(ms)}</time>;
}
