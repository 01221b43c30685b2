// Words and numbers for the window that are not a catalog message: the colour of an outcome,
// times and values as data, errors. No DOM here. The words themselves are
// in shared/i18n (catalogs) and said through the Translator (renderer/i18n.tsx).
import type { AgentStateName, SyncOutcome } from '../shared/agent-api.js';
import { english, type MessageKey, type Translator } from '../shared/i18n/translator.js';
import type { VariableState } from '../shared/variables.js';
import type { VariableValue } from '../shared/wire.js';

/** The catalog keys of a state's name and its one-line detail. */
export function stateWords(t: Translator['t'], state: AgentStateName): { label: string; detail: string } {
  return { label: t(`state.${state}`), detail: t(`state.${state}.detail`) };
}

/** What the live region says when a "Sync now" ends. */
export const SYNC_OUTCOME_NOTICE: Record<SyncOutcome, MessageKey> = {
  drained: 'notice.syncDrained',
  held: 'notice.syncHeld',
  retrying: 'notice.syncRetrying',
  paused: 'notice.syncPaused',
};

/** The colour (a state's) of each outcome, in Activity and its chart: a failed attempt is red, a held one needs attention. */
export const ATTEMPT_OUTCOME_STATE: Record<SyncOutcome, string> = {
  drained: 'synced',
  held: 'attention',
  retrying: 'failed',
  paused: 'paused',
};

/** A problem kind's word ("server", "rate limit"), or the kind itself when the catalogs have none. */
export function kindWord(translator: Translator, kind: string): string {
  const key = `kind.${kind}`;
  return translator.has(key) ? translator.t(key) : kind;
}

export function variableStateWord(t: Translator['t'], state: VariableState): string {
  return t(`variable.${state}`);
}

/** Milliseconds since the epoch from an ISO 8601 string or a number; null when absent or unreadable. */
export function toMillis(time: string | number | null | undefined): number | null {
  if (time === null || time === undefined) return null;
  const ms = typeof time === 'number' ? time : Date.parse(time);
  return Number.isFinite(ms) ? ms : null;
}

/** A value as text: strings as they are, numbers and booleans as JSON would write them (data, never translated). */
export function formatValue(value: VariableValue): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * A thrown thing as one sentence for the error banner: the agent's own words, or this page's when
 * the agent could not be reached at all (an AgentRequestError without an answer, status 0).
 * Electron wraps errors from the main process as "Error invoking remote method 'agent:x': Error:
 * what happened"; only the last part is news.
 */
export function describeError(error: unknown, translator: Translator = english): string {
  if (error instanceof Error && error.name === 'AgentRequestError' && (error as { status?: unknown }).status === 0)
    return translator.t('error.unreachable');
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const message = raw.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, '').trim();
  return message || translator.t('error.unknown');
}
