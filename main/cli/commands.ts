// The `varsync` commands (DESIGN.md "The varsync command"), in the order help lists them. Each
// returns its exit code; the groups live in variable-, sync- and support-commands.ts.
import type { Command } from './command-context.js';
import { SUPPORT_COMMANDS } from './support-commands.js';
import { SYNC_COMMANDS } from './sync-commands.js';
import { VARIABLE_COMMANDS } from './variable-commands.js';

export { EXIT, type Command, type CommandContext } from './command-context.js';

export const COMMANDS: Record<string, Command> = {
  set: VARIABLE_COMMANDS.set,
  get: VARIABLE_COMMANDS.get,
  status: SYNC_COMMANDS.status,
  sync: SYNC_COMMANDS.sync,
  run: SYNC_COMMANDS.run,
  hwid: SUPPORT_COMMANDS.hwid,
  config: SUPPORT_COMMANDS.config,
  activate: SYNC_COMMANDS.activate,
  diagnostics: SUPPORT_COMMANDS.diagnostics,
  logs: SUPPORT_COMMANDS.logs,
  retry: VARIABLE_COMMANDS.retry,
  discard: VARIABLE_COMMANDS.discard,
};
