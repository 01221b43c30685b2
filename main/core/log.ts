// The logger the core writes to. Where its lines go (the log folder, stderr), their format (UTC
// timestamps), rotation and redaction are main/core/log/: openLog() gives the daemon, the
// command line and the Electron shell one that does all of it.
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  /** The same logger with a prefix on every line (a sync attempt's correlation ID). */
  child(prefix: string): Logger;
}

export const silentLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger,
};
