// Words and numbers for the window: states, times, values, errors. No DOM here.
import type { AgentStateName, HardwareIdSource, SyncOutcome, SyncTrigger } from '../shared/agent-api.js';
import type { VariableState } from '../shared/variables.js';
import type { VariableValue } from '../shared/wire.js';

export const STATE_WORDS: Record<AgentStateName, { label: string; detail: string }> = {
  synced: { label: 'Synced', detail: 'Everything is on the server.' },
  syncing: { label: 'Syncing', detail: 'Sending changes now.' },
  pending: { label: 'Pending', detail: 'Changes are waiting to be sent.' },
  offline: { label: 'Offline', detail: 'The License API cannot be reached; changes are kept and sent later.' },
  attention: { label: 'Needs attention', detail: 'Sending is on hold until the problem below is fixed.' },
  paused: { label: 'Paused', detail: 'Syncing is paused; changes are kept until you resume.' },
};

export const VARIABLE_STATE_WORDS: Record<VariableState, string> = {
  synced: 'Synced',
  pending: 'Pending',
  failed: 'Failed',
};

export const HARDWARE_ID_SOURCE_WORDS: Record<HardwareIdSource, string> = {
  configured: 'set in the configuration',
  'machine-id': "derived from this machine's ID",
  generated: 'generated on this device',
};

export const SYNC_OUTCOME_WORDS: Record<SyncOutcome, string> = {
  drained: 'Sync finished: everything is on the server.',
  held: 'Sync is on hold: see the problem described above.',
  retrying: 'Some changes could not be sent yet; the agent will try again.',
  paused: 'Syncing is paused. Resume to send changes.',
};

/** What started a sync attempt, as the Activity list says it. */
export const TRIGGER_WORDS: Record<SyncTrigger, string> = {
  start: 'Agent started',
  set: 'A change',
  interval: 'Routine check',
  retry: 'Retry',
  manual: 'Sync now',
  resume: 'System resumed',
  connectivity: 'Network back',
};

/** How a sync attempt ended, in one or two words. */
export const ATTEMPT_OUTCOME_WORDS: Record<SyncOutcome, string> = {
  drained: 'Sent',
  held: 'On hold',
  retrying: 'Failed, will retry',
  paused: 'Paused',
};

/** The colour (a state's) of each outcome, in Activity and its chart: a failed attempt is red, a held one needs attention. */
export const ATTEMPT_OUTCOME_STATE: Record<SyncOutcome, string> = {
  drained: 'synced',
  held: 'attention',
  retrying: 'failed',
  paused: 'paused',
};

/** A short span: "850 ms", "2.4 s", then as formatDuration. */
export function formatElapsed(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return formatDuration(ms / 1_000);
}

/** Milliseconds since the epoch from an ISO 8601 string or a number; null when absent or unreadable. */
export function toMillis(time: string | number | null | undefined): number | null {
  if (time === null || time === undefined) return null;
  const ms = typeof time === 'number' ? time : Date.parse(time);
  return Number.isFinite(ms) ? ms : null;
}

/** "12 s", "4 min 5 s", "3 h 2 min", "2 d 3 h". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3_600) return pair(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  if (seconds < 86_400) return pair(Math.floor(seconds / 3_600), 'h', Math.floor((seconds % 3_600) / 60), 'min');
  return pair(Math.floor(seconds / 86_400), 'd', Math.floor((seconds % 86_400) / 3_600), 'h');
}

function pair(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`;
}

/** How long until `target`, counting down by the second: "in 12 s"; "any moment now" once due. */
export function formatCountdown(targetMs: number, nowMs: number): string {
  const seconds = Math.ceil((targetMs - nowMs) / 1_000);
  return seconds <= 0 ? 'any moment now' : `in ${formatDuration(seconds)}`;
}

/** How long ago: "just now", "40 s ago", "3 min ago" (minutes and up drop the seconds). */
export function formatAgo(thenMs: number, nowMs: number): string {
  const seconds = Math.floor((nowMs - thenMs) / 1_000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)} h ago`;
  const days = Math.floor(seconds / 86_400);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

let dateTimeFormat: Intl.DateTimeFormat | null = null;

/** A local date and time in the reader's own format (one shared formatter: tables call this a lot). */
export function formatDateTime(ms: number): string {
  dateTimeFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  return dateTimeFormat.format(ms);
}

/** A value as text: strings as they are, numbers and booleans as JSON would write them. */
export function formatValue(value: VariableValue): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * A thrown thing as one sentence for the error banner. Electron wraps errors from the main process
 * as "Error invoking remote method 'agent:x': Error: what happened"; only the last part is news.
 */
export function describeError(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const message = raw.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, '').trim();
  return message || 'Something went wrong, and the agent did not say what. The logs have the details.';
}

let countFormat: Intl.NumberFormat | null = null;

/** A count with thousands separators: "10,000" (one shared formatter: toLocaleString builds one per call). */
export function formatCount(count: number): string {
  countFormat ??= new Intl.NumberFormat('en');
  return countFormat.format(count);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
