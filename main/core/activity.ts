// The window's Activity: the recent sync attempts as the store keeps them, and one attempt's log
// lines read back from the log folder by its correlation ID (log/read.ts, as `varsync logs
// --attempt` reads them), redacted again with the secrets this agent knows.
import type { AttemptLogView, AttemptView, SyncOutcome, SyncTrigger } from '../../shared/agent-api.js';
import { logFolderProblem, readLog } from './log/read.js';
import type { SyncRecord } from './store/variable-store.js';

/** The newest lines of an attempt shown (a pass that splits a large refused batch logs many). */
export const ATTEMPT_LOG_LINES = 500;
/** Files rotated this long before an attempt began are not read for it (clocks of writers differ a little). */
const ROTATION_SLACK_MS = 60_000;

export function attemptView(record: SyncRecord): AttemptView {
  return {
    correlationId: record.correlationId,
    startedAt: new Date(record.startedAt).toISOString(),
    durationMs: Math.max(0, record.finishedAt - record.startedAt),
    trigger: (record.trigger as SyncTrigger | undefined) ?? null,
    outcome: record.outcome as SyncOutcome,
    requests: record.requests,
    sent: record.sent,
    pendingAfter: record.pending ?? null,
    problem: record.code ? { kind: record.kind ?? 'unknown', code: record.code, message: record.message ?? '' } : null,
  };
}

export function attemptLog(
  record: SyncRecord,
  logDir: string | undefined,
  redact: (text: string) => string,
): AttemptLogView {
  const base = { correlationId: record.correlationId, lines: [] as string[], truncated: false };
  if (!logDir) return { ...base, problem: 'This agent writes no log file, so there are no lines to show.' };
  const folderProblem = logFolderProblem(logDir);
  if (folderProblem) return { ...base, problem: `${folderProblem}.` };
  const { lines, truncated } = readLog(
    logDir,
    { attempt: record.correlationId, since: record.startedAt - ROTATION_SLACK_MS },
    { limit: ATTEMPT_LOG_LINES, redact },
  );
  return {
    ...base,
    lines: lines.map((line) => line.text),
    truncated,
    problem:
      lines.length === 0
        ? `No lines of this attempt are left in ${logDir}: older logs are deleted after 7 days or 50 MB.`
        : null,
  };
}
