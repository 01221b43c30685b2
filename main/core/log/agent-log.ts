// The agent's log, on electron-log's Node entry (the core never loads electron): every line
// "<UTC ISO time> <level> <text>", redacted, to varsync.log in the log folder (rotated and pruned,
// see files.ts) and, where asked, echoed to a stream (the daemon's stderr). The level can change
// while running. A folder that cannot be written costs the file, never the agent: lines go to
// stderr instead, after one line that says why.
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import electronLog from 'electron-log/node';
import type { Logger, LogLevel } from '../log.js';
import { LOG_FILE_NAME, LOG_RETENTION, pruneLogFiles, rotateLogFile, type LogRetention } from './files.js';
import { Redactor } from './redaction.js';
import { failureCode } from '../failure-code.js';

type ElectronLogger = typeof electronLog;
type ElectronTransport = ElectronLogger['transports']['console'];
type LogMessage = Parameters<ElectronTransport>[0];

export interface OpenLogOptions {
  /** The log folder (files.ts defaultLogDir); without one, lines only go to `echo` (or stderr). */
  dir?: string;
  level: LogLevel;
  /** Also send every line here, without its newline (the daemon's stderr, a checkout's stdout). */
  echo?: (line: string) => void;
  /** Where lines go when the folder cannot be written; stderr unless given. `echo` is used when there is one. */
  fallback?: (line: string) => void;
  /** Values to redact from the first line on (more can be added: addSecrets); asked for when a first line is written. */
  secrets?: () => Iterable<string | undefined>;
  retention?: Partial<LogRetention>;
  /** The clock for timestamps and rotation (tests pass a fake one). */
  now?: () => number;
}

export interface AgentLog {
  readonly logger: Logger;
  /** The file lines are written to; undefined when there is none (see `problem`). */
  readonly file: string | undefined;
  /** Why lines are not going to a file, when a folder was given. */
  readonly problem: string | undefined;
  readonly level: LogLevel;
  setLevel(level: LogLevel): void;
  /** Redact these values (and their encodings) from every line from now on. */
  addSecrets(values: Iterable<string | undefined>): void;
}

export function openLog(options: OpenLogOptions): AgentLog {
  const now = options.now ?? Date.now;
  const retention: LogRetention = { ...LOG_RETENTION, ...options.retention };
  const redactor = new Redactor();
  let secrets = options.secrets;
  const redact = (text: string) => {
    if (secrets) {
      redactor.add(secrets());
      secrets = undefined;
    }
    return redactor.redact(text);
  };
  let level = options.level;

  // Every line of a message gets the time and level, so that no line of the file lacks them.
  const render = (message: LogMessage): string => {
    const head = `${message.date.toISOString()} ${message.level.padEnd(5)} `;
    return redact(
      message.data
        .map(String)
        .join(' ')
        .split(/\r?\n/)
        .map((line) => head + line)
        .join('\n'),
    );
  };

  const elog = electronLog.create({ logId: `varsync-${randomUUID()}` });
  for (const transport of Object.values(elog.transports)) if (transport) transport.level = false;
  const writer = options.echo ?? options.fallback ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const stream = Object.assign((message: LogMessage) => writer(render(message)), {
    level: false as LogLevel | false,
    transforms: [],
  });
  elog.transports.stream = stream;
  if (options.echo || !options.dir) stream.level = level;

  let file: string | undefined;
  let problem: string | undefined;
  const write = (lineLevel: LogLevel, text: string) =>
    elog.processMessage({ data: [text], level: lineLevel, date: new Date(now()) });

  const giveUpFile = (why: string) => {
    if (problem) return;
    problem = why;
    file = undefined;
    elog.transports.file.level = false;
    stream.level = level;
    // At error level, so that it shows whatever the level.
    write('error', `${why}; logging to stderr only`);
  };

  if (options.dir) {
    const dir = options.dir;
    const path = join(dir, LOG_FILE_NAME);
    const unwritable = checkWritable(dir, path);
    if (unwritable) {
      giveUpFile(`the log folder ${dir} cannot be written (${unwritable})`);
    } else {
      file = path;
      const transport = elog.transports.file;
      transport.setAppName('Varsync'); // or electron-log looks for a package.json to name the app
      transport.resolvePathFn = () => path;
      transport.maxSize = retention.maxFileBytes;
      transport.transforms = [({ message }) => render(message)];
      transport.archiveLogFn = (current) => archive(current, dir, retention, now);
      transport.level = level;
      // Replace electron-log's console report of a failed write with ours, said once. (Its LogFile
      // is an EventEmitter; the typings only declare on().)
      const logFile = transport.getFile();
      (logFile as unknown as EventEmitter).removeAllListeners('error');
      logFile.on('error', (error: Error) =>
        giveUpFile(
          `the log file ${path} cannot be written (${error.message.replace(/^Couldn't write to [^.]*\. /, '')})`,
        ),
      );
      pruneLogFiles(dir, now(), retention);
    }
  }

  // A child's prefix (a sync attempt's correlation ID) goes on each line of a message.
  const loggerWith = (prefix: string): Logger => {
    const at = (lineLevel: LogLevel) => (message: string) =>
      write(lineLevel, prefix ? message.replace(/^/gm, prefix) : message);
    return {
      error: at('error'),
      warn: at('warn'),
      info: at('info'),
      debug: at('debug'),
      child: (childPrefix) => loggerWith(`${prefix}[${childPrefix}] `),
    };
  };

  return {
    logger: loggerWith(''),
    get file() {
      return file;
    },
    get problem() {
      return problem;
    },
    get level() {
      return level;
    },
    setLevel(next) {
      level = next;
      if (file) elog.transports.file.level = next;
      if (stream.level !== false) stream.level = next;
    },
    addSecrets: (values) => redactor.add(values),
  };
}

/** undefined when lines can be appended to `path`; otherwise the reason (an errno code). */
function checkWritable(dir: string, path: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
    appendFileSync(path, '');
    return undefined;
  } catch (error) {
    return failureCode(error) ?? (error as Error).message;
  }
}

/** electron-log asks when varsync.log passed the size: rotate, unless another process just did. */
function archive(current: { path: string }, dir: string, retention: LogRetention, now: () => number): void {
  let size: number;
  try {
    size = statSync(current.path).size;
  } catch {
    return; // gone: another process rotated it
  }
  if (size <= retention.maxFileBytes) return;
  try {
    rotateLogFile(dir, now(), retention);
  } catch {
    // Neither renamed nor copied (a full disk): keep appending; the next line tries again.
  }
}
