// A logger that keeps its lines ("level message"), for tests that check what the shell logs.
import type { Logger } from '../../../main/core/log.js';

export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  const logger: Logger & { lines: string[] } = {
    lines,
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: () => logger,
  };
  return logger;
}
