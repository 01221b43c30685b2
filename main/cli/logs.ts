// `varsync logs`: its options turned into a log query, and the lines printed as text or JSON,
// optionally following the log until the command is stopped. The reading is main/core/log/read.ts.
import { LOG_LEVELS, type LogLevel } from '../core/log.js';
import { followLog, parseSince, readLog, type LogLine, type LogQuery } from '../core/log/read.js';
import { CORRELATION_ID_PATTERN } from '../../shared/ipc.js';
import { UsageError } from './arguments.js';

export function parseLogQuery(options: Record<string, string | boolean | undefined>, now: number): LogQuery {
  const query: LogQuery = {};
  const { attempt, since, level } = options;
  if (typeof attempt === 'string') {
    if (!CORRELATION_ID_PATTERN.test(attempt))
      throw new UsageError(`--attempt takes a correlation ID such as 3f9a0c1e (see varsync status), not "${attempt}".`);
    query.attempt = attempt.toLowerCase();
  }
  if (typeof since === 'string') {
    try {
      query.since = parseSince(since, now);
    } catch (error) {
      throw new UsageError(`--since: ${(error as Error).message}.`);
    }
  }
  if (typeof level === 'string') {
    if (!(LOG_LEVELS as readonly string[]).includes(level))
      throw new UsageError(`--level takes one of ${LOG_LEVELS.join(', ')}, not "${level}".`);
    query.level = level as LogLevel;
  }
  return query;
}

export interface PrintLogOptions {
  json: boolean;
  /** Follow until this resolves (the stop signal); print what is there and return when absent. */
  follow?: Promise<unknown>;
  out(text: string): void;
}

function shown(line: LogLine, json: boolean): string {
  return json
    ? JSON.stringify({ at: line.at, level: line.level, attempt: line.attempt, message: line.message })
    : line.text;
}

export async function printLog(dir: string, query: LogQuery, options: PrintLogOptions): Promise<void> {
  // Follow from before the read, so that no line written in between is missed; the follower's
  // first lines may then repeat the read's last ones, which are skipped (a line carries its time
  // to the millisecond, so a repeat is the same line).
  const alreadyPrinted = new Set<string>();
  const stop = options.follow
    ? followLog(dir, {
        query,
        onLine: (line) => {
          if (alreadyPrinted.delete(line.text)) return;
          alreadyPrinted.clear();
          options.out(shown(line, options.json));
        },
      })
    : undefined;
  const { lines } = readLog(dir, query);
  for (const line of lines) options.out(shown(line, options.json));
  if (!stop) return;
  for (const line of lines.slice(-FOLLOW_OVERLAP_LINES)) alreadyPrinted.add(line.text);
  await options.follow;
  stop();
}

/** Lines written between the start of following and the read: far more than a loaded machine writes in that moment. */
const FOLLOW_OVERLAP_LINES = 10_000;
