// Splitting a `varsync` command line: the command, its own options, the configuration flags that
// every command accepts, and positional arguments. Unknown options are refused with one line.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CONFIG_KEYS, CONFIG_KEY_NAMES } from '../core/config/keys.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParsedCommandLine {
  command: string | undefined;
  options: Record<string, string | boolean | undefined>;
  /** Configuration flags given (`--product x` -> { product: 'x' }), for the flag layer. */
  configFlags: Record<string, string>;
  /** --config FILE */
  configFile: string | undefined;
  positionals: string[];
}

/** Flags that set configuration keys. The shared key, client secret and password have none: command lines are visible to every user of the machine. */
export const CONFIG_FLAGS = CONFIG_KEY_NAMES.flatMap((key) => {
  const spec = CONFIG_KEYS[key];
  return 'flag' in spec ? [spec.flag] : [];
});

export function parseCommandLine(
  argv: string[],
  commandOptions: Record<string, 'string' | 'boolean'>,
): ParsedCommandLine {
  const options: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
    config: { type: 'string' },
  };
  for (const flag of CONFIG_FLAGS) options[flag] = { type: 'string' };
  for (const [name, type] of Object.entries(commandOptions)) options[name] = { type };

  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error));
  }
  const [command, ...positionals] = parsed.positionals;
  const configFlags: Record<string, string> = {};
  const own: Record<string, string | boolean | undefined> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if ((CONFIG_FLAGS as readonly string[]).includes(name)) configFlags[name] = String(value);
    else if (name !== 'config') own[name] = value as string | boolean;
  }
  return { command, options: own, configFlags, configFile: parsed.values.config as string | undefined, positionals };
}

function describeParseError(error: Error): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (unknown) return `unknown option ${unknown[1]}; run varsync --help for the options.`;
  const missing = /Option '([^']+)' argument missing/.exec(error.message);
  if (missing) return `option ${missing[1]!.replace(/^-\w, /, '').replace(/ <value>$/, '')} needs a value.`;
  return `${error.message.split('\n')[0]}; run varsync --help.`;
}
