// Splitting a `varsync` command line: the command, its own options, the configuration flags that
// every command accepts, and positional arguments. Unknown options are refused with one line.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CONFIG_KEYS, CONFIG_KEY_NAMES } from '../core/config/keys.js';
import type { VariableValue } from '../../shared/wire.js';

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

/**
 * `NAME=VALUE` queues the text VALUE; `NAME:=JSON` queues a JSON number, boolean or string.
 * The name ends at the first `=` (so names cannot contain one on the command line).
 */
export function parseAssignment(argument: string): [string, VariableValue] {
  const equals = argument.indexOf('=');
  if (equals <= 0)
    throw new UsageError(`"${argument}" is not NAME=VALUE or NAME:=JSON; for example: varsync set color=blue seats:=3`);
  const typed = argument[equals - 1] === ':';
  const name = argument.slice(0, typed ? equals - 1 : equals);
  const text = argument.slice(equals + 1);
  if (!name) throw new UsageError(`"${argument}" has no variable name before ${typed ? ':=' : '='}.`);
  if (!typed) return [name, text];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(
      `${name}:=${text} is not valid JSON; use a number, true/false, or a "quoted string" (or ${name}=text for text).`,
    );
  }
  if (typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'string') {
    throw new UsageError(
      `${name}:= takes a JSON number, boolean or string, not ${value === null ? 'null' : Array.isArray(value) ? 'a list' : 'an object'}.`,
    );
  }
  return [name, value];
}
