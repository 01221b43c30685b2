// The agent's own limits on variable names and values (the API documents none), in one place.
// Every entry point (CLI, IPC, HTTP, vendor file) validates with these before anything is queued.
import { oneLine } from './one-line.js';
import type { VariableValue } from './wire.js';

export const NAME_MAX_CHARS = 128;
export const STRING_VALUE_MAX_BYTES = 4096;

export type VariableType = 'string' | 'number' | 'boolean';
export type VariableState = 'synced' | 'pending' | 'failed';

/** One variable as the agent shows it (`varsync get --json`, the window's table). */
export interface VariableView {
  name: string;
  value: VariableValue;
  type: VariableType;
  state: VariableState;
  /** When the local value last changed (ISO 8601 UTC). */
  updatedAt: string;
  /** When the server last confirmed a value for this name, or null. */
  syncedAt: string | null;
  /** For `failed`: why the server refused it. */
  error?: { code: string; message: string };
}

// Control characters: C0, DEL and C1.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Why a name is refused, or undefined when it is fine. */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'a variable name must be text';
  if (name.length === 0) return 'a variable name cannot be empty';
  const length = [...name].length;
  if (length > NAME_MAX_CHARS) return `variable name is ${length} characters long; the limit is ${NAME_MAX_CHARS}`;
  if (CONTROL_CHARACTERS.test(name)) return `variable name "${oneLine(name)}" contains a control character`;
  if (name.trim() !== name) return `variable name "${oneLine(name)}" starts or ends with white space`;
  return undefined;
}

/** Why a value is refused, or undefined when it is fine. */
export function valueProblem(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value).length;
    if (bytes > STRING_VALUE_MAX_BYTES)
      return `value is ${bytes} bytes of UTF-8; the limit is ${STRING_VALUE_MAX_BYTES}`;
    return undefined;
  }
  if (typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `value ${value} is not a finite number`;
  if (value === null) return 'value null is not allowed; use a string, number or boolean';
  if (Array.isArray(value)) return 'a list is not allowed as a value; use a string, number or boolean';
  return `a value of type ${typeof value} is not allowed; use a string, number or boolean`;
}

export function variableType(value: VariableValue): VariableType {
  return typeof value as VariableType;
}

export class VariableInputError extends Error {
  override readonly name = 'VariableInputError';
}

/**
 * Check a whole set of variables; throws the first problem as a VariableInputError. Nothing is
 * queued unless every entry passes, so a rejected set changes nothing.
 */
export function validateVariables(variables: unknown): Record<string, VariableValue> {
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw new VariableInputError('variables must be an object of name -> value');
  }
  const entries = Object.entries(variables);
  if (entries.length === 0) throw new VariableInputError('no variables given');
  for (const [name, value] of entries) {
    const badName = nameProblem(name);
    if (badName) throw new VariableInputError(badName);
    const badValue = valueProblem(value);
    if (badValue) throw new VariableInputError(`"${name}": ${badValue}`);
  }
  return variables as Record<string, VariableValue>;
}

/**
 * One assignment of `varsync set` or of the app's `--set` launch argument: `NAME=VALUE` queues the
 * text VALUE; `NAME:=JSON` queues a JSON number, boolean or string. The name ends at the first `=`
 * (so names cannot contain one on a command line).
 */
export function parseAssignment(argument: string): [string, VariableValue] {
  const equals = argument.indexOf('=');
  if (equals <= 0)
    throw new VariableInputError(
      `"${argument}" is not NAME=VALUE or NAME:=JSON; for example: varsync set color=blue seats:=3`,
    );
  const typed = argument[equals - 1] === ':';
  const name = argument.slice(0, typed ? equals - 1 : equals);
  const text = argument.slice(equals + 1);
  if (!name) throw new VariableInputError(`"${argument}" has no variable name before ${typed ? ':=' : '='}.`);
  if (!typed) return [name, text];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new VariableInputError(
      `${name}:=${text} is not valid JSON; use a number, true/false, or a "quoted string" (or ${name}=text for text).`,
    );
  }
  if (typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'string') {
    throw new VariableInputError(
      `${name}:= takes a JSON number, boolean or string, not ${value === null ? 'null' : Array.isArray(value) ? 'a list' : 'an object'}.`,
    );
  }
  return [name, value];
}

/** Whether two views show the same thing (the window's rows, and the change feed's diff). */
export function sameVariable(a: VariableView, b: VariableView): boolean {
  return (
    a === b ||
    (a.name === b.name &&
      a.value === b.value &&
      a.type === b.type &&
      a.state === b.state &&
      a.updatedAt === b.updatedAt &&
      a.syncedAt === b.syncedAt &&
      a.error?.code === b.error?.code &&
      a.error?.message === b.error?.message)
  );
}

/** The order of the agent's list of variables: by name, UTF-16 code unit by code unit (as `<` compares). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
