// Bad input in the vendor's configuration files: generated varsync.vendor.json beside the app
// and machine-wide, varsync.policy.json, and the file named by --config, holding objects of
// known, near-miss and unknown keys with values of every type, or text that is not the JSON
// expected (a BOM, truncation, comments, invalid UTF-8, deep nesting, duplicate keys). Each is
// loaded the way start-up loads it, then `varsync set` runs with it on a real data folder that
// holds a seeded queue: a bad file stops start-up with one line naming the file (and the key),
// the queue stays as it was, and a good file's initial variables are all queued.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/built-cli.js';
import { Agent } from '../../main/core/agent.js';
import { loadConfig, POLICY_FILE_NAME, VENDOR_FILE_NAME, type ConfigLocations } from '../../main/core/config/load.js';
import { CONFIG_KEY_NAMES, VENDOR_KEY_NAMES } from '../../main/core/config/keys.js';
import { ConfigError, type ResolvedConfig } from '../../main/core/config/resolve.js';
import { tempDir } from '../helpers/agent.js';
import {
  bounded,
  countCase,
  fcParameters,
  hasStackFrame,
  oneLineProblem,
  reportCases,
  watchEscapes,
} from './helpers/cases.js';
import { dataDirConfig, queueChange, seededLoss, seedQueue, snapshotQueue } from './helpers/queue.js';

const RUNS = 2_000;
const root = tempDir('varsync-bad-vendor-');
const dataDir = join(root, 'data');
const appDir = join(root, 'app');
const machineDir = join(root, 'machine');
// Two levels down: a generated relative dataDir (even "..") stays inside the temporary folder.
const workDir = join(root, 'work', 'cwd');
const locations: ConfigLocations = { appDirs: [appDir], machineDir };
const env = { VARSYNC_DATA_DIR: dataDir, XDG_STATE_HOME: join(root, 'state') };
let checker: Agent;
let previousCwd: string;
const escapes = watchEscapes();

beforeAll(() => {
  for (const dir of [appDir, machineDir, workDir]) mkdirSync(dir, { recursive: true });
  previousCwd = process.cwd();
  process.chdir(workDir);
  checker = Agent.open({ config: dataDirConfig(dataDir) });
  seedQueue(checker);
});

afterAll(async () => {
  escapes.stop();
  await checker.close();
  process.chdir(previousCwd);
  rmSync(root, { recursive: true, force: true });
  reportCases('vendor');
});

// ---- generators -------------------------------------------------------------------------------

type Place = 'app vendor' | 'machine vendor' | 'machine policy' | 'named by --config';
const PLACES: Record<Place, { path: string; title: string }> = {
  'app vendor': { path: join(appDir, VENDOR_FILE_NAME), title: 'vendor file' },
  'machine vendor': { path: join(machineDir, VENDOR_FILE_NAME), title: 'vendor file' },
  'machine policy': { path: join(machineDir, POLICY_FILE_NAME), title: 'policy file' },
  'named by --config': { path: join(root, 'named.json'), title: 'config file' },
};

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', ' ', 'a\nb', '\u0000', '\u001b[2J', 'x'.repeat(300)),
);

/** Values that are right for some key: the generator mixes them with wrong ones. */
const plausible = fc.constantFrom<unknown>(
  'p',
  'k',
  'http://127.0.0.1:1',
  'https://127.0.0.1:1/api/v4',
  'debug',
  'warn',
  10,
  1000,
  1001,
  0,
  -1,
  1.5,
  86_400,
  true,
  false,
  'standard',
  ['standard'],
  ['os', 'hostname'],
  ['gpu'],
  '1.2.3',
  '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----',
);
const anyValue = fc.oneof(
  { weight: 3, arbitrary: plausible },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: text },
  { weight: 1, arbitrary: fc.double().map((number) => (Number.isFinite(number) ? number : 1e308)) },
);

const variableName = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_.]{0,12}$/),
  text,
  fc.constantFrom('__proto__', 'constructor', 'toString', 'x'.repeat(129), ' lead'),
);
const variableValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.boolean(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
  { weight: 1, arbitrary: fc.constant('é'.repeat(2049)) },
);
const variables = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.tuple(variableName, variableValue), { maxLength: 4 })
      .map((entries) => Object.fromEntries(entries)),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);

/** Relative folder names only: a data folder the file names stays inside the temporary folder. */
const dataDirValue = fc.oneof(
  fc.constantFrom('..', '.', 'elsewhere', ''),
  text.map((name) => name.replace(/[\\/]/g, '_')),
  fc.integer(),
);

const KEYS = [...CONFIG_KEY_NAMES, ...VENDOR_KEY_NAMES];
const key = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...KEYS.filter((name) => name !== 'dataDir')) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'Product',
      'PRODUCT',
      'api_url',
      'batch-size',
      'produkt',
      'dataDir',
      '$schema',
      '$comment',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '',
    ),
  },
  { weight: 1, arbitrary: text },
);
const entry = key.chain((name): fc.Arbitrary<[string, unknown]> =>
  fc.tuple(fc.constant(name), name === 'variables' ? variables : name === 'dataDir' ? dataDirValue : anyValue),
);
const settings = fc.array(entry, { maxLength: 5 });

/** The file's bytes: the settings written as JSON in one of several ways, or text that is not JSON at all. */
const content = fc.oneof(
  { weight: 6, arbitrary: settings.map((entries) => JSON.stringify(Object.fromEntries(entries))) },
  { weight: 1, arbitrary: settings.map((entries) => `\uFEFF${JSON.stringify(Object.fromEntries(entries), null, 2)}`) },
  {
    weight: 1,
    arbitrary: settings.map(
      (entries) =>
        `{${entries.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value) ?? 'null'}`).join(',')}${entries.length > 0 ? ',' : ''}}`,
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(settings, fc.nat()).map(([entries, cut]) => {
      const json = JSON.stringify(Object.fromEntries(entries));
      return json.slice(0, cut % (json.length + 1));
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'null',
      '[]',
      '["product"]',
      '"product"',
      '1',
      'true',
      '{"product":"a","product":"b"}',
      '// comment\n{}',
      '{"product": "p" /* c */}',
      "{'product':'p'}",
      '{"batchSize": 1e999}',
      '{"batchSize": -0}',
      '{"variables": {"__proto__": "x", "a": 1}}',
      '{"__proto__": {"product": "p"}}',
      `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
      `{"a":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_001)}`,
    ),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);

const scenario = fc.record({
  place: fc.constantFrom<Place>('app vendor', 'app vendor', 'machine vendor', 'machine policy', 'named by --config'),
  content,
});

// ---- the property -----------------------------------------------------------------------------

function place(where: Place, bytes: string | Buffer): void {
  for (const other of Object.values(PLACES)) rmSync(other.path, { force: true });
  writeFileSync(PLACES[where].path, bytes);
}

/** What the file asks to queue at start-up, as start-up would read it (when it is a valid file). */
function initialVariables(config: ResolvedConfig): Array<[string, unknown]> {
  return Object.entries(config.vendor.variables);
}

let probe = 0;

describe('the vendor file', () => {
  it(`stops start-up with one line naming the file for every bad file, and loses nothing queued (${RUNS} generated files)`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ place: where, content: bytes }) => {
        countCase('vendor');
        place(where, bytes);
        const { path, title } = PLACES[where];
        const explicitFile = where === 'named by --config' ? path : undefined;
        const what = () => `${where} holding ${JSON.stringify(String(bytes).slice(0, 300))}`;

        // 1. Loading, as start-up does.
        let config: ResolvedConfig | undefined;
        let refusal: string | undefined;
        try {
          config = loadConfig({ env, explicitFile, locations });
        } catch (error) {
          if (!(error instanceof ConfigError))
            throw new Error(`${what()}: loading threw ${String(error)} instead of a ConfigError`);
          refusal = error.message;
          const unclear = oneLineProblem(refusal);
          if (unclear) throw new Error(`${what()}: ${unclear}`);
          // Usually "vendor file PATH: key ...: problem"; a rule across keys names each key's source, the file among them.
          if (!refusal.includes(path)) throw new Error(`${what()}: the error does not name the file: ${refusal}`);
          if (refusal.startsWith(`${title} `) !== refusal.startsWith(`${title} ${path}: `))
            throw new Error(`${what()}: the error names the wrong file: ${refusal}`);
        }

        // 2. `varsync set` with the same file: refused in that one line with nothing queued, or queued with the file's variables.
        const before = snapshotQueue(checker);
        const value = ++probe;
        const argv = ['set', `probe=${value}`, ...(explicitFile ? ['--config', explicitFile] : [])];
        const err: string[] = [];
        const code = await bounded(`varsync set with ${where}`, 10_000, () =>
          runCli(argv, {
            out: () => {},
            err: (line) => err.push(line),
            env,
            stopSignal: new Promise(() => {}),
            locations,
          }),
        );
        if (err.some(hasStackFrame)) throw new Error(`${what()}: a stack trace was printed`);
        const after = snapshotQueue(checker);
        if (refusal !== undefined) {
          if (code !== 2) throw new Error(`${what()}: a bad file gave exit ${code}`);
          const shown = err.at(-1) ?? '';
          if (shown !== `varsync: ${refusal}`) throw new Error(`${what()}: the command said ${JSON.stringify(shown)}`);
          const change = queueChange(before, after);
          if (change) throw new Error(`${what()}: a refused start changed the queue: ${change}`);
        } else if (code !== 0) {
          // A file may name a data folder that cannot be used: exit 1, said in one line, and nothing queued.
          const shown = err.at(-1) ?? '';
          if (
            code !== 1 ||
            config!.values.dataDir === dataDir ||
            oneLineProblem(shown) ||
            !shown.startsWith('varsync: The data folder ')
          ) {
            throw new Error(`${what()}: a file that loads made set fail with exit ${code}: ${shown}`);
          }
        } else {
          if (config!.values.dataDir === dataDir) {
            const { pending } = after;
            if (!pending.get('probe')?.startsWith(`"${value}" #`))
              throw new Error(`${what()}: set was accepted but probe=${value} is not pending`);
            for (const [name, initial] of initialVariables(config!)) {
              if (!pending.get(name)?.startsWith(`${JSON.stringify(initial)} #`))
                throw new Error(
                  `${what()}: the initial variable "${name}" is not queued with ${JSON.stringify(initial)}`,
                );
            }
            const declared = declaredVariables(bytes);
            for (const name of declared)
              if (!Object.hasOwn(config!.vendor.variables, name))
                throw new Error(`${what()}: the initial variable "${name}" was dropped`);
          }
        }
        const loss = seededLoss(after);
        if (loss) throw new Error(`${what()}: ${loss}`);
      }),
      fcParameters(RUNS),
    );
    expect(escapes.problems).toEqual([]);
  }, 300_000);
});

/** The names under "variables" in a file that parses, read without the product's code. */
function declaredVariables(bytes: string | Buffer): string[] {
  try {
    const parsed = JSON.parse(String(bytes).replace(/^\uFEFF/, '')) as { variables?: unknown };
    return typeof parsed.variables === 'object' && parsed.variables !== null && !Array.isArray(parsed.variables)
      ? Object.keys(parsed.variables)
      : [];
  } catch {
    return [];
  }
}
