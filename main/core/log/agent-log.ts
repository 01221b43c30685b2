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
/** The transport for echo or fallback: every line, rendered, to a function. */
type StreamTransport = ((message: LogMessage) => void) & { level: LogLevel | false; transforms: never[] };

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
  return new ElectronAgentLog(options);
}

/** One electron-log instance with two transports: the file, and a stream for echo or fallback. */
class ElectronAgentLog implements AgentLog {
  readonly logger: Logger;
  private readonly elog = electronLog.create({ logId: `varsync-${randomUUID()}` });
  private readonly stream: StreamTransport;
  private readonly redactor = new Redactor();
  /** Asked for once, when the first line is written. */
  private secrets: (() => Iterable<string | undefined>) | undefined;
  private readonly now: () => number;
  private currentLevel: LogLevel;
  private currentFile: string | undefined;
  private currentProblem: string | undefined;

  constructor(options: OpenLogOptions) {
    this.now = options.now ?? Date.now;
    this.secrets = options.secrets;
    this.currentLevel = options.level;
    for (const transport of Object.values(this.elog.transports)) if (transport) transport.level = false;
    const writer = options.echo ?? options.fallback ?? ((line: string) => void process.stderr.write(`${line}\n`));
    this.stream = Object.assign((message: LogMessage) => writer(this.render(message)), {
      level: false as LogLevel | false,
      transforms: [] as never[],
    });
    this.elog.transports.stream = this.stream;
    if (options.echo || !options.dir) this.stream.level = this.currentLevel;
    if (options.dir) this.openFile(options.dir, { ...LOG_RETENTION, ...options.retention });
    this.logger = this.loggerWith('');
  }

  get file(): string | undefined {
    return this.currentFile;
  }

  get problem(): string | undefined {
    return this.currentProblem;
  }

  get level(): LogLevel {
    return this.currentLevel;
  }

  setLevel(next: LogLevel): void {
    this.currentLevel = next;
    if (this.currentFile) this.elog.transports.file.level = next;
    if (this.stream.level !== false) this.stream.level = next;
  }

  addSecrets(values: Iterable<string | undefined>): void {
    this.redactor.add(values);
  }

  private openFile(dir: string, retention: LogRetention): void {
    const path = join(dir, LOG_FILE_NAME);
    const unwritable = checkWritable(dir, path);
    if (unwritable) return this.giveUpFile(`the log folder ${dir} cannot be written (${unwritable})`);
    this.currentFile = path;
    const transport = this.elog.transports.file;
    transport.setAppName('Varsync'); // or electron-log looks for a package.json to name the app
    transport.resolvePathFn = () => path;
    transport.maxSize = retention.maxFileBytes;
    transport.transforms = [({ message }) => this.render(message)];
    transport.archiveLogFn = (current) => archive(current, dir, retention, this.now);
    transport.level = this.currentLevel;
    // Replace electron-log's console report of a failed write with ours, said once. (Its LogFile
    // is an EventEmitter; the typings only declare on().)
    const logFile = transport.getFile();
    (logFile as unknown as EventEmitter).removeAllListeners('error');
    logFile.on('error', (error: Error) =>
      this.giveUpFile(
        `the log file ${path} cannot be written (${error.message.replace(/^Couldn't write to [^.]*\. /, '')})`,
      ),
    );
    pruneLogFiles(dir, this.now(), retention);
  }

  private giveUpFile(why: string): void {
    if (this.currentProblem) return;
    this.currentProblem = why;
    this.currentFile = undefined;
    this.elog.transports.file.level = false;
    this.stream.level = this.currentLevel;
    // At error level, so that it shows whatever the level.
    this.write('error', `${why}; logging to stderr only`);
  }

  private write(lineLevel: LogLevel, text: string): void {
    this.elog.processMessage({ data: [text], level: lineLevel, date: new Date(this.now()) });
  }

  // Every line of a message gets the time and level, so that no line of the file lacks them.
  private render(message: LogMessage): string {
    const head = `${message.date.toISOString()} ${message.level.padEnd(5)} `;
    return this.redact(
      message.data
        .map(String)
        .join(' ')
        .split(/\r?\n/)
        .map((line) => head + line)
        .join('\n'),
    );
  }

  private redact(text: string): string {
    if (this.secrets) {
      this.redactor.add(this.secrets());
      this.secrets = undefined;
    }
    return this.redactor.redact(text);
  }

  // A child's prefix (a sync attempt's correlation ID) goes on each line of a message.
  private loggerWith(prefix: string): Logger {
    const at = (lineLevel: LogLevel) => (message: string) =>
      this.write(lineLevel, prefix ? message.replace(/^/gm, prefix) : message);
    return {
      error: at('error'),
      warn: at('warn'),
      info: at('info'),
      debug: at('debug'),
      child: (childPrefix) => this.loggerWith(`${prefix}[${childPrefix}] `),
    };
  }
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
