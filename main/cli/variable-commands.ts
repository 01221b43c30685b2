// The commands about variables: set, get, and the server's refusals (retry, discard).
import { NAME_MAX_CHARS, parseAssignment, STRING_VALUE_MAX_BYTES } from '../../shared/variables.js';
import { UsageError } from './arguments.js';
import { EXIT, json, withAgent, type Command } from './command-context.js';
import { formatVariables } from './format.js';

export const VARIABLE_COMMANDS = {
  set: {
    summary: 'queue variables to send',
    usage: 'varsync set NAME=VALUE [NAME:=JSON ...]',
    details:
      `NAME=VALUE queues VALUE as text; NAME:=JSON queues a JSON number, boolean or string (seats:=3, beta:=true).\n` +
      `Names: 1 to ${NAME_MAX_CHARS} characters, no control characters, no leading or trailing spaces.\n` +
      `Text values: at most ${STRING_VALUE_MAX_BYTES} bytes of UTF-8. All or nothing: one bad argument queues none.\n` +
      'Exit codes: 0 queued, 2 bad input (nothing queued).',
    options: {},
    async run(context) {
      if (context.positionals.length === 0)
        throw new UsageError('nothing to set; for example: varsync set color=blue seats:=3');
      // fromEntries defines every name as its own key: "__proto__=x" is a variable, not a prototype.
      const variables = Object.fromEntries(context.positionals.map((argument) => parseAssignment(argument)));
      const outcome = await withAgent(context, (agent) => agent.set(variables));
      const parts = [`queued ${outcome.queued.length}`];
      if (outcome.unchanged.length > 0)
        parts.push(`${outcome.unchanged.length} unchanged (${outcome.unchanged.join(', ')})`);
      context.out(parts.join(', '));
      return EXIT.ok;
    },
  },
  get: {
    summary: 'show every variable with its value and state',
    usage: 'varsync get [--json]',
    details:
      'States: synced (on the server), pending (waiting to be sent), failed (refused by the server; see varsync retry/discard).',
    options: { json: 'boolean' },
    async run(context) {
      const variables = await withAgent(context, (agent) => agent.variables());
      context.out(context.options.json ? json(variables) : formatVariables(variables));
      return EXIT.ok;
    },
  },
  retry: {
    summary: 'queue variables the server refused again (all, or the names given)',
    usage: 'varsync retry [NAME ...]',
    options: {},
    async run(context) {
      const names = context.positionals.length > 0 ? context.positionals : undefined;
      const count = await withAgent(context, (agent) => agent.retryDeadLetters(names));
      context.out(`queued ${count} again`);
      return EXIT.ok;
    },
  },
  discard: {
    summary: 'drop variables the server refused, for good',
    usage: 'varsync discard NAME ... | --all',
    options: { all: 'boolean' },
    async run(context) {
      if (context.positionals.length === 0 && !context.options.all)
        throw new UsageError('name the variables to discard, or pass --all.');
      const names = context.options.all ? undefined : context.positionals;
      const count = await withAgent(context, (agent) => agent.discardDeadLetters(names));
      context.out(`discarded ${count}`);
      return EXIT.ok;
    },
  },
} satisfies Record<string, Command>;
