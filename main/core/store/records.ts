// What the store hands out, and how each is read from its row: the pending entries the engine
// sends, dead letters, sync records, and the view of every variable the window and CLI show.
import type { DeadLetterView } from '../../../shared/agent-api.js';
import { compareNames, variableType, type VariableView } from '../../../shared/variables.js';
import type { VariableValue } from '../../../shared/wire.js';
import type { ConfirmedRow, DeadLetterRow, HistoryRow, OutboxRow } from './statements.js';

export interface PendingEntry {
  name: string;
  value: VariableValue;
  seq: number;
  queuedAt: number;
  attempts: number;
}

/** A value the server refused, kept with its reason (the shared view is exactly what the store holds). */
export type DeadLetter = DeadLetterView;

export interface SyncRecord {
  startedAt: number;
  finishedAt: number;
  outcome: string;
  sent: number;
  requests: number;
  code?: string;
  /** The problem's kind (network, server, ... storage) when the attempt failed. */
  kind?: string;
  message?: string;
  correlationId: string;
  /** What started the attempt; absent in records written before it was kept. */
  trigger?: string;
  /** Values left pending when it ended; absent in records written before it was kept. */
  pending?: number;
}

export function toPending(row: OutboxRow): PendingEntry {
  return {
    name: row.name,
    value: JSON.parse(row.value) as VariableValue,
    seq: row.seq,
    queuedAt: row.queued_at,
    attempts: row.attempts,
  };
}

export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    name: row.name,
    value: JSON.parse(row.value) as VariableValue,
    code: row.code,
    message: row.message,
    attempts: row.attempts,
    firstFailedAt: row.first_failed_at,
    lastFailedAt: row.last_failed_at,
  };
}

export function toSyncRecord(row: HistoryRow): SyncRecord {
  return {
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    sent: row.sent,
    requests: row.requests,
    code: row.code ?? undefined,
    kind: row.kind ?? undefined,
    message: row.message ?? undefined,
    correlationId: row.correlation_id,
    trigger: row.trigger ?? undefined,
    pending: row.pending ?? undefined,
  };
}

/**
 * Every name with its latest local value and where it stands, by name: a pending value over a
 * dead letter over the confirmed one (which still gives the time it was last synced).
 */
export function variableViews(
  confirmed: ConfirmedRow[],
  deadLetters: DeadLetter[],
  outbox: OutboxRow[],
): VariableView[] {
  const views = new Map<string, VariableView>();
  for (const row of confirmed) {
    const value = JSON.parse(row.value) as VariableValue;
    views.set(row.name, {
      name: row.name,
      value,
      type: variableType(value),
      state: 'synced',
      updatedAt: iso(row.changed_at),
      syncedAt: iso(row.synced_at),
    });
  }
  for (const letter of deadLetters) {
    views.set(letter.name, {
      name: letter.name,
      value: letter.value,
      type: variableType(letter.value),
      state: 'failed',
      updatedAt: iso(letter.firstFailedAt),
      syncedAt: views.get(letter.name)?.syncedAt ?? null,
      error: { code: letter.code, message: letter.message },
    });
  }
  for (const row of outbox) {
    const value = JSON.parse(row.value) as VariableValue;
    views.set(row.name, {
      name: row.name,
      value,
      type: variableType(value),
      state: 'pending',
      updatedAt: iso(row.queued_at),
      syncedAt: views.get(row.name)?.syncedAt ?? null,
    });
  }
  return [...views.values()].sort((a, b) => compareNames(a.name, b.name));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
