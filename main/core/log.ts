// The logger the core writes to. The CLI and daemon log to stderr; the Electron shell and the
// vendor/support work give it a file. Lines carry UTC timestamps.
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  /** The same logger with a prefix on every line (a sync attempt's correlation ID). */
  child(prefix: string): Logger;
}

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export function createStreamLogger(level: LogLevel, write: (line: string) => void, prefix = ''): Logger {
  const at = (lineLevel: LogLevel) => (message: string) => {
    if (RANK[lineLevel] <= RANK[level]) write(`${new Date().toISOString()} ${lineLevel.padEnd(5)} ${prefix}${message}\n`);
  };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: (childPrefix) => createStreamLogger(level, write, `${prefix}[${childPrefix}] `),
  };
}

export const silentLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger,
};
