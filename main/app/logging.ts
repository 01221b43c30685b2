// The shell's log: the same folder and file as the command-line daemon (main/core/log/files.ts),
// which Electron is told is its logs path, so that "Open logs folder" shows it. An instance run
// with --user-data-dir=DIR (tests, support) keeps its logs in DIR/logs instead. Lines are echoed
// to stdout from a checkout. The level is the configuration's until the tray menu changes it.
//
// It uses electron-log's Node entry, as the core does, rather than electron-log/main: the main
// entry registers an IPC channel (__ELECTRON_LOG__) that any renderer could write log lines
// through without a sender check, and Varsync's renderer does not log.
import { app, shell } from 'electron';
import { join } from 'node:path';
import type { ResolvedConfig } from '../core/config/resolve.js';
import { readOsMachineId } from '../core/identity/hardware-id.js';
import { LOG_LEVELS, type Logger, type LogLevel } from '../core/log.js';
import { openLog } from '../core/log/agent-log.js';
import { defaultLogDir } from '../core/log/files.js';
import { sensitiveValues } from '../core/log/redaction.js';

export interface LogFile {
  dir: string;
  /** Every logger of the shell is this one (or its children). */
  logger: Logger;
  readonly level: LogLevel;
  setLevel(level: LogLevel): void;
  /** Redact the configuration's secrets and the raw machine ID, and take its log level. */
  configure(config: ResolvedConfig): Logger;
  /** Show the logs folder in the file manager; false if the OS could not. */
  openFolder(): Promise<boolean>;
}

/** The logs folder: the OS's place for Varsync's logs, or DIR/logs for an instance run with --user-data-dir=DIR. */
export function logsFolder(): string {
  return app.commandLine.getSwitchValue('user-data-dir')
    ? join(app.getPath('userData'), 'logs')
    : defaultLogDir(process.env);
}

export function setupLogFile(dir: string = logsFolder()): LogFile {
  app.setAppLogsPath(dir);
  const log = openLog({
    dir,
    level: 'info',
    echo: app.isPackaged ? undefined : (line) => void process.stdout.write(`${line}\n`),
    secrets: () => [readOsMachineId()],
  });
  return {
    dir,
    logger: log.logger,
    get level() {
      return log.level;
    },
    setLevel: (level) => {
      if (level === log.level) return;
      // Said at the more detailed of the two levels, so that the line itself is kept.
      const moreDetail = LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf(log.level);
      if (moreDetail) log.setLevel(level);
      log.logger.info(`log level set to ${level} from the tray menu`);
      if (!moreDetail) log.setLevel(level);
    },
    configure: (config) => {
      log.addSecrets(sensitiveValues(config));
      log.setLevel(config.values.logLevel);
      return log.logger;
    },
    openFolder: async () => (await shell.openPath(dir)) === '',
  };
}
