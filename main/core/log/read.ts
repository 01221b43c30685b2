// Reading the log back: the lines of the log folder (varsync.log and its rotated files), oldest
// first, filtered by sync attempt (correlation ID), time and level; and following varsync.log as it
// grows and rotates. `varsync logs` and the window's Activity (one attempt's lines) both read
// through here. The files hold redacted text already; a reader may redact again with what it knows.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { LOG_LEVELS, type LogLevel } from '../log.js';
import { listLogFiles, LOG_FILE_NAME } from './files.js';

export interface LogLine {
  /** ISO 8601 UTC, as written. */
  at: string;
  level: LogLevel;
  /** The sync attempt's correlation ID when the line belongs to one. */
  attempt: string | null;
  /** The line after its time and level (the attempt's prefix included). */
  message: string;
  /** The whole line as the file holds it. */
  text: string;
}

export interface LogQuery {
  /** Only this attempt's lines. */
  attempt?: string;
  /** Only lines at or after this time (ms). */
  since?: number;
  /** Only lines at this level or more severe. */
  level?: LogLevel;
}

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (error|warn |info |debug) (.*)$/;
const ATTEMPT = /^\[sync ([^\]\s]+)\] /;

/**
 * A line as written by agent-log.ts. A line without the time and level (which the agent never
 * writes, but a file edited by hand or a foreign writer might hold) inherits them from the line before.
 */
export function parseLogLine(text: string, previous?: LogLine): LogLine | undefined {
  const match = LINE.exec(text);
  if (!match) return previous && { ...previous, message: text, text };
  const message = match[3]!;
  return {
    at: match[1]!,
    level: match[2]!.trim() as LogLevel,
    attempt: ATTEMPT.exec(message)?.[1] ?? null,
    message,
    text,
  };
}

export function matchesQuery(line: LogLine, query: LogQuery): boolean {
  if (query.attempt !== undefined && line.attempt !== query.attempt) return false;
  if (query.level !== undefined && LOG_LEVELS.indexOf(line.level) > LOG_LEVELS.indexOf(query.level)) return false;
  if (query.since !== undefined && Date.parse(line.at) < query.since) return false;
  return true;
}

function redacted(line: LogLine, redact: ((text: string) => string) | undefined): LogLine {
  return redact ? { ...line, message: redact(line.message), text: redact(line.text) } : line;
}

export interface ReadLogOptions {
  /** Applied to every line's text before it is returned. */
  redact?: (text: string) => string;
  /** Keep at most this many lines (the newest); `truncated` says when more matched. */
  limit?: number;
}

export interface ReadLogResult {
  lines: LogLine[];
  truncated: boolean;
}

/** Every matching line of the folder, oldest first. Files rotated before `since` are not opened. */
export function readLog(dir: string, query: LogQuery = {}, options: ReadLogOptions = {}): ReadLogResult {
  const files = listLogFiles(dir)
    .filter((file) => query.since === undefined || file.rotatedAt === undefined || file.rotatedAt >= query.since)
    .reverse();
  const lines: LogLine[] = [];
  let truncated = false;
  for (const file of files) {
    let content: string;
    try {
      content = readFileSync(file.path, 'utf8');
    } catch {
      continue; // pruned by another process meanwhile
    }
    let previous: LogLine | undefined;
    for (const text of content.split('\n')) {
      if (text === '') continue;
      const line = parseLogLine(text, previous);
      if (!line) continue;
      previous = line;
      if (!matchesQuery(line, query)) continue;
      lines.push(redacted(line, options.redact));
      if (options.limit !== undefined && lines.length > options.limit) {
        lines.shift();
        truncated = true;
      }
    }
  }
  return { lines, truncated };
}

/** The problem with reading `dir`, in words, or undefined when it can be read. */
export function logFolderProblem(dir: string): string | undefined {
  if (!existsSync(dir)) return `the log folder ${dir} does not exist: nothing has logged here yet for this user`;
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a folder, so there is no log to read`;
  } catch (error) {
    return `the log folder ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  return undefined;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d)$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a span back from now (90s, 30m, 2h, 1d) or a date and time (ISO 8601). Throws a sentence. */
export function parseSince(text: string, now: number): number {
  const span = DURATION.exec(text.trim());
  if (span) return now - Number(span[1]) * UNIT_MS[span[2]!.toLowerCase()]!;
  const at = /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : NaN;
  if (Number.isFinite(at)) return at;
  throw new Error(`"${text}" is not a time span (90s, 30m, 2h, 1d) or a date and time (2025-03-04T05:00Z)`);
}

export interface FollowOptions {
  query?: LogQuery;
  redact?: (text: string) => string;
  /** How often to look for new lines. */
  intervalMs?: number;
  onLine(line: LogLine): void;
}

/**
 * Follow the log from its current end: every complete line written from now on, also across
 * rotations. Files are told apart by inode, so a file renamed by a rotation is read to its end, and
 * one created (and perhaps rotated already) since the last look is read from its start; a file
 * that shrank was truncated in place (copy-and-truncate rotation, Windows). Returns the function
 * that stops it (after a last look).
 */
export function followLog(dir: string, options: FollowOptions): () => void {
  interface Position {
    offset: number;
    partial: string;
    decoder: StringDecoder;
  }
  const positions = new Map<string, Position>();
  let previous: LogLine | undefined;
  const buffer = Buffer.alloc(64 * 1024);

  const emit = (position: Position, chunk: string) => {
    const parts = (position.partial + chunk).split('\n');
    position.partial = parts.pop()!;
    for (const text of parts) {
      if (text === '') continue;
      const line = parseLogLine(text, previous);
      if (!line) continue;
      previous = line;
      if (!matchesQuery(line, options.query ?? {})) continue;
      options.onLine(redacted(line, options.redact));
    }
  };

  const idOf = (stat: { dev: number; ino: number }) => `${stat.dev}:${stat.ino}`;

  /** Read what each log file (oldest first) gained; `atEnd`: what is there before following starts is skipped. */
  const look = (atEnd: boolean) => {
    // A copy-and-truncate rotation: the copy is a new file holding what was read from varsync.log
    // already, so it is read from where varsync.log was, and varsync.log from its start.
    let copied: Position | undefined;
    try {
      const active = statSync(join(dir, LOG_FILE_NAME));
      const position = positions.get(idOf(active));
      if (position && active.size < position.offset) {
        copied = { ...position };
        Object.assign(position, { offset: 0, partial: '', decoder: new StringDecoder('utf8') });
      }
    } catch {
      // not there: renamed by a rotation, the next one not yet written
    }
    const present = new Set<string>();
    for (const file of listLogFiles(dir).reverse()) {
      let fd: number;
      try {
        fd = openSync(file.path, 'r');
      } catch {
        continue; // pruned meanwhile
      }
      try {
        const stat = fstatSync(fd);
        const id = idOf(stat);
        present.add(id);
        let position = positions.get(id);
        if (!position) {
          const copy = !atEnd && file.name !== LOG_FILE_NAME ? copied : undefined;
          position = {
            offset: atEnd ? stat.size : (copy?.offset ?? 0),
            partial: copy?.partial ?? '',
            decoder: new StringDecoder('utf8'),
          };
          positions.set(id, position);
        }
        for (let read; (read = readSync(fd, buffer, 0, buffer.length, position.offset)) > 0;) {
          position.offset += read;
          emit(position, position.decoder.write(buffer.subarray(0, read)));
        }
      } finally {
        closeSync(fd);
      }
    }
    for (const id of positions.keys()) if (!present.has(id)) positions.delete(id);
  };

  look(true);
  const timer = setInterval(() => look(false), options.intervalMs ?? 250);
  return () => {
    clearInterval(timer);
    look(false);
  };
}
