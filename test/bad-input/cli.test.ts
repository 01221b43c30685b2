// Bad input on the `varsync` command line: generated command names, options (known, unknown,
// with and without values, `--flag=value`), configuration flags with bad values, NAME=VALUE and
// NAME:=JSON assignments with bad names and values, and plain junk, run in-process against a
// real data folder holding a seeded queue. Every run ends in time with a documented exit code;
// every refusal is one `varsync: ...` line on stderr (no stack trace) and leaves the queue exactly
// as it was; an accepted `set` queues every name it was given; nothing seeded is ever lost.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine, CONFIG_FLAGS } from '../../main/cli/arguments.js';
import { parseAssignment } from '../../shared/variables.js';
import { CONFIG_KEYS, CONFIG_KEY_NAMES } from '../../main/core/config/keys.js';
import { fromText } from '../../main/core/config/resolve.js';
import { COMMANDS, EXIT } from '../../main/cli/commands.js';
import { varsync } from '../helpers/cli.js';
import { Agent } from '../../main/core/agent.js';
import { tempDir } from '../helpers/agent.js';
import {
  bounded,
  countCase,
  fcParameters,
  hasStackFrame,
  leftRunning,
  liveResources,
  oneLineProblem,
  reportCases,
  watchEscapes,
} from './helpers/cases.js';
import { dataDirConfig, queueChange, seedDeadLetters, seededLoss, seedQueue, snapshotQueue } from './helpers/queue.js';

const RUNS = 2_000;
/** Nothing on the command line may reach beyond this machine: the one API address used is a closed loopback port. */
const CLOSED_LOOPBACK_URL = 'http://127.0.0.1:1';
/** Stands for a loopback port another server holds (its number is only known once it listens). */
const BUSY_PORT = '{busy-port}';

const root = tempDir('varsync-bad-cli-');
const dataDir = join(root, 'data');
// Two levels down, so that a generated ".." still lands inside the temporary folder.
const workDir = join(root, 'work', 'cwd');
const env: NodeJS.ProcessEnv = {
  VARSYNC_DATA_DIR: dataDir,
  VARSYNC_API_URL: CLOSED_LOOPBACK_URL,
  XDG_STATE_HOME: join(root, 'state'),
};
let checker: Agent;
let busy: Server;
let previousCwd: string;
const escapes = watchEscapes();

beforeAll(async () => {
  mkdirSync(workDir, { recursive: true });
  // Files a generated --config may name: binary, several lines, a folder, not an object.
  writeFileSync(
    join(workDir, 'binary.bin'),
    Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x0a, 0x0d, 0x00, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xff, 0xfe]),
  );
  writeFileSync(join(workDir, 'lines.txt'), 'first line\nsecond line\r\n\tat fake (frame.js:1:2)\n');
  writeFileSync(join(workDir, 'list.json'), '["product"]');
  writeFileSync(join(workDir, 'empty.json'), '');
  mkdirSync(join(workDir, 'folder'));
  previousCwd = process.cwd();
  process.chdir(workDir); // diagnostics bundles and relative --data-dir values land here
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  checker = Agent.open({ config: dataDirConfig(dataDir) });
  seedQueue(checker);
});

afterAll(async () => {
  escapes.stop();
  await checker.close();
  await new Promise((resolve) => busy.close(resolve));
  process.chdir(previousCwd);
  rmSync(root, { recursive: true, force: true });
  reportCases('cli');
});

// ---- generators -------------------------------------------------------------------------------

const COMMAND_NAMES = Object.keys(COMMANDS);
const OWN_OPTIONS = [...new Set(Object.values(COMMANDS).flatMap((command) => Object.keys(command.options)))];
const KNOWN_FLAGS = [...CONFIG_FLAGS, ...OWN_OPTIONS, 'help', 'config'];
const ALL_OPTIONS = Object.assign({}, ...Object.values(COMMANDS).map((command) => command.options)) as Record<
  string,
  'string' | 'boolean'
>;

const junk = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
    { weight: 1, arbitrary: fc.string({ minLength: 129, maxLength: 300 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '-',
        '--',
        '---',
        '=',
        ':=',
        '\n',
        '\r\n',
        '\t',
        '\u0000',
        '\u001b[31m',
        '..',
        '.',
        '__proto__',
        'constructor',
        'toString',
        'NaN',
        'null',
        '[]',
        '{}',
        '\u202e',
        '\ufeff',
        '\u2028',
        'é'.repeat(2049),
      ),
    },
  )
  .map((text) => text.replace(/[\\/]/g, '_')); // paths stay inside the temporary working folder

const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? 'null'),
  fc.constantFrom(
    '1e400',
    '-1e400',
    '-0',
    '0x10',
    '1_000',
    '.5',
    '+1',
    'NaN',
    'Infinity',
    '"\\u0000"',
    '"unterminated',
    'true ',
    ' 3 ',
    'TRUE',
    `"${'x'.repeat(4097)}"`,
    '[1,2]',
    '{"a":1}',
    'null',
    '',
  ),
  junk,
);

const variableName = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_.-]{0,15}$/) },
  { weight: 3, arbitrary: junk },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'toString',
      'valueOf',
      'x'.repeat(128),
      'x'.repeat(129),
      '𝄞'.repeat(100),
      ' lead',
      'trail ',
      'a\u0085b',
    ),
  },
);

const operator = fc.oneof(
  { weight: 4, arbitrary: fc.constant('=') },
  { weight: 2, arbitrary: fc.constant(':=') },
  { weight: 1, arbitrary: fc.constantFrom('==', ':=:') },
);
const assignment = fc
  .tuple(variableName, operator, fc.oneof(jsonText, junk))
  .map(([name, operator, value]) => [`${name}${operator}${value}`]);

const flagValue = (flag: string) =>
  flag === 'api-url' || flag === 'token-url'
    ? fc.oneof(
        fc.constantFrom(
          CLOSED_LOOPBACK_URL,
          `${CLOSED_LOOPBACK_URL}/api/v4/`,
          'ftp://127.0.0.1',
          'http://',
          'not a url',
          'http://[::1',
        ),
        junk,
      )
    : flag === 'ui-port'
      ? fc.oneof(fc.constantFrom('0', BUSY_PORT, '65536', '-1', '80.5', ' 0'), junk)
      : flag === 'config'
        ? fc.oneof(fc.constantFrom('binary.bin', 'lines.txt', 'list.json', 'empty.json', 'folder', 'absent.json'), junk)
        : fc.oneof(
            junk,
            fc.integer().map(String),
            fc.constantFrom('0', '-1', '1.5', '1e3', '86401', '99999999999', 'true', 'yes', 'debug', 'loud'),
          );

const knownFlag = fc.constantFrom(...KNOWN_FLAGS);
/** Anything goes: known and unknown options, values or none, assignments and junk, in any order. */
const wildToken = fc.oneof(
  { weight: 3, arbitrary: knownFlag.map((flag) => [`--${flag}`]) },
  { weight: 4, arbitrary: knownFlag.chain((flag) => flagValue(flag).map((value) => [`--${flag}`, value])) },
  { weight: 2, arbitrary: knownFlag.chain((flag) => flagValue(flag).map((value) => [`--${flag}=${value}`])) },
  { weight: 1, arbitrary: fc.oneof(junk, fc.constantFrom('h', 'x', 'v', '-')).map((text) => [`-${text}`]) },
  { weight: 2, arbitrary: junk.map((text) => [`--${text}`]) },
  { weight: 5, arbitrary: assignment },
  { weight: 2, arbitrary: junk.map((text) => [text]) },
);

const commandToken = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...COMMAND_NAMES) },
  { weight: 1, arbitrary: fc.mixedCase(fc.constantFrom(...COMMAND_NAMES)) },
  { weight: 1, arbitrary: junk },
);

const wildLine = fc
  .tuple(fc.option(commandToken, { nil: undefined, freq: 8 }), fc.array(wildToken, { maxLength: 6 }), fc.boolean())
  .map(([command, tokens, commandFirst]) => {
    const rest = tokens.flat();
    return command === undefined
      ? rest
      : commandFirst
        ? [command, ...rest]
        : [...rest.slice(0, 1), command, ...rest.slice(1)];
  });

/** Values a configuration flag accepts, found by trying a few on the key's own schema. */
const GOOD_FLAG_VALUES = new Map(
  CONFIG_KEY_NAMES.flatMap((key) => {
    const spec = CONFIG_KEYS[key] as { flag?: string; schema: { safeParse(value: unknown): { success: boolean } } };
    if (!spec.flag) return [];
    const good = ['1', '250', '1000', 'true', 'off', 'debug', 'warn', 'p', 'hw-1', CLOSED_LOOPBACK_URL].filter(
      (text) => spec.schema.safeParse(fromText(key, text)).success,
    );
    return [[spec.flag, good] as const];
  }),
);

/** A command with its own options and the kind of arguments it takes, some of them bad: most lines get past the parser. */
const commandShapedLine = fc.constantFrom(...COMMAND_NAMES).chain((name) => {
  const own = Object.entries(COMMANDS[name]!.options);
  const ownOption: fc.Arbitrary<string[]> =
    own.length === 0
      ? fc.constant([])
      : fc
          .constantFrom(...own)
          .chain(([option, type]) =>
            type === 'boolean'
              ? fc.constant([`--${option}`])
              : flagValue(option).map((value) => [`--${option}`, value]),
          );
  const configFlag = fc.constantFrom(...GOOD_FLAG_VALUES.keys()).chain((flag) => {
    const good = GOOD_FLAG_VALUES.get(flag)!;
    return fc
      .oneof(good.length > 0 ? fc.constantFrom(...good) : flagValue(flag), flagValue(flag))
      .map((value) => [`--${flag}`, value]);
  });
  const positional =
    name === 'set'
      ? assignment
      : name === 'retry' || name === 'discard'
        ? variableName.map((text) => [text])
        : junk.map((text) => [text]);
  return fc
    .tuple(
      fc.array(fc.oneof({ weight: 3, arbitrary: ownOption }, { weight: 1, arbitrary: configFlag }), { maxLength: 2 }),
      fc.array(positional, { maxLength: 4 }),
    )
    .map(([options, positionals]) => [name, ...options.flat(), ...positionals.flat()]);
});

/** Any http(s) address that is not our closed loopback port becomes it: generated text can spell a URL ("http:x"). */
function loopbackOnly(argument: string): string {
  for (const candidate of [argument, argument.slice(argument.indexOf('=') + 1)]) {
    try {
      const url = new URL(candidate);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '127.0.0.1')
        return CLOSED_LOOPBACK_URL;
    } catch {
      // not a URL
    }
  }
  return argument;
}

/** The daemon with the demo and its status page, the one path that starts servers (costly, so rarer). */
const daemonLine = fc
  .tuple(fc.boolean(), fc.option(fc.oneof(fc.constantFrom('0', BUSY_PORT), flagValue('ui-port')), { nil: undefined }))
  .map(([ui, port]) => ['run', '--demo', ...(ui ? ['--ui'] : []), ...(port === undefined ? [] : ['--ui-port', port])]);

const commandLine = fc
  .oneof(
    { weight: 30, arbitrary: wildLine },
    { weight: 30, arbitrary: commandShapedLine as fc.Arbitrary<string[]> },
    { weight: 1, arbitrary: daemonLine },
  )
  .map((argv) => argv.map(loopbackOnly));

// ---- the property -----------------------------------------------------------------------------

interface Run {
  code: number;
  out: string[];
  err: string[];
}

async function run(argv: string[]): Promise<Run> {
  // `run` starts and stops at once.
  const { code, outLines, errLines } = await varsync(argv, env, Promise.resolve('SIGTERM'));
  return { code, out: outLines, err: errLines };
}

/** What the case did to a queue other than the seeded one, or to the seeded one on purpose. */
function intent(argv: string[]) {
  let parsed: ReturnType<typeof parseCommandLine> | undefined;
  try {
    const name = parseCommandLine(argv, ALL_OPTIONS).command ?? '';
    parsed = parseCommandLine(argv, Object.hasOwn(COMMANDS, name) ? COMMANDS[name]!.options : {});
  } catch {
    parsed = undefined;
  }
  const elsewhere = argv.some(
    (argument) =>
      argument === '--data-dir' ||
      argument.startsWith('--data-dir=') ||
      argument === '--config' ||
      argument.startsWith('--config='),
  );
  return {
    command: parsed?.options.help ? 'help' : parsed?.command,
    positionals: parsed?.positionals ?? [],
    elsewhere,
  };
}

function problemWith(argv: string[], result: Run, before: ReturnType<typeof snapshotQueue>): string | undefined {
  const { code, out, err } = result;
  if (!(Object.values(EXIT) as number[]).includes(code)) return `exit code ${code} is not one of the documented ones`;
  const stack = [...out, ...err].find(hasStackFrame);
  if (stack !== undefined) return `a stack trace was printed: ${JSON.stringify(stack.slice(0, 300))}`;
  const { command, positionals, elsewhere } = intent(argv);
  if (code !== EXIT.ok) {
    const last = err.at(-1);
    if (last === undefined) return `exit ${code} with nothing on stderr`;
    const notOneLine = oneLineProblem(last);
    if (notOneLine) return `the error line is not one clear line: ${notOneLine}`;
    if (!last.startsWith('varsync: '))
      return `the error does not start with "varsync: ": ${JSON.stringify(last.slice(0, 200))}`;
    if (last.startsWith('varsync: unexpected error')) return `an unexpected error escaped: ${last}`;
    const change = queueChange(before, snapshotQueue(checker));
    return change && `a refused command changed the queue: ${change}`;
  }
  const after = snapshotQueue(checker);
  const named = argv.join('\u0000');
  const loss = seededLoss(after, {
    deadLettersMayMove: command === 'retry' || command === 'discard',
    touched: (name) => named.includes(name),
  });
  if (loss) return loss;
  if (command === 'set' && !elsewhere) {
    const { pending } = after;
    for (const [name, value] of new Map(positionals.map((argument) => parseAssignment(argument)))) {
      if (!pending.get(name)?.startsWith(`${JSON.stringify(value)} #`))
        return `set was accepted but "${name}" is not pending with ${JSON.stringify(value)}`;
    }
  }
  return undefined;
}

describe('the varsync command line', () => {
  it(`refuses bad arguments in one line, never crashes or hangs, and loses nothing queued (${RUNS} generated command lines)`, async () => {
    await fc.assert(
      fc.asyncProperty(commandLine, async (line) => {
        countCase('cli');
        const argv = line.map((argument) =>
          argument.replaceAll(BUSY_PORT, String((busy.address() as AddressInfo).port)),
        );
        const before = snapshotQueue(checker);
        const resources = liveResources();
        const result = await bounded(`varsync ${JSON.stringify(argv)}`, 10_000, () => run(argv));
        const problem = problemWith(argv, result, before) ?? (await leftRunning(resources));
        seedDeadLetters(checker); // an accepted retry or discard may have moved them; put them back for the next case
        if (problem)
          throw new Error(
            `varsync ${JSON.stringify(argv)} -> exit ${result.code}: ${problem}\nstderr: ${JSON.stringify(result.err.slice(-3))}`,
          );
      }),
      fcParameters(RUNS),
    );
    expect(escapes.problems).toEqual([]);
  }, 300_000);
});
