// Bad input on the desktop app's IPC channels: every channel called with generated arguments
// (anything structured clone can carry, near-miss name lists, oversized lists) from generated
// senders (the app's page, another renderer, a child frame, a frame that is gone, the app window
// showing another address). Electron is the test double the shell's own tests use; the agent
// behind the handlers is real, on a real SQLite file holding a seeded queue.
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAgentService, IPC_CHANNELS, setupIpc } from '../../main/app/ipc.js';
import { APP_START_URL, createSecureWindow } from '../../main/app/security.js';
import { Agent } from '../../main/core/agent.js';
import { NAME_MAX_CHARS, nameProblem } from '../../shared/variables.js';
import type { IpcInvokeChannel } from '../../shared/ipc.js';
import { tempDir } from '../helpers/agent.js';
import {
  FakeWebContents,
  ipcMain,
  resetFakeElectron,
  shell,
  type FakeBrowserWindow,
} from '../app/helpers/fake-electron.js';
import { recordingLogger } from '../app/helpers/logger.js';
import { bounded, countCase, fcParameters, oneLineProblem, reportCases, watchEscapes } from './helpers/cases.js';
import {
  dataDirConfig,
  queueChange,
  SEEDED_DEAD_LETTERS,
  SEEDED_PENDING,
  seedDeadLetters,
  seededLoss,
  seedQueue,
  snapshotQueue,
} from './helpers/queue.js';

vi.mock('electron', () => import('../app/helpers/fake-electron.js'));

const RUNS = 2_500;
const root = tempDir('varsync-bad-ipc-');
let agent: Agent;
let window: FakeBrowserWindow;
let removeHandlers: () => void;
const escapes = watchEscapes();

beforeAll(async () => {
  resetFakeElectron();
  // Configured against a closed loopback port: "sync now" runs a real pass that cannot reach anything.
  agent = Agent.open({
    config: dataDirConfig(join(root, 'data'), {
      product: 'p',
      licenseKey: 'k',
      apiKey: 'a',
      sharedKey: 's',
      hardwareId: 'hw-ipc',
      apiUrl: 'http://127.0.0.1:1',
      requestTimeoutMs: 2_000,
    }),
  });
  seedQueue(agent);
  removeHandlers = setupIpc(
    createAgentService(agent, async () => (await shell.openPath('/logs')) === ''),
    recordingLogger(),
  );
  window = createSecureWindow({}, '/app/preload.cjs') as unknown as FakeBrowserWindow;
  await window.loadURL(APP_START_URL);
});

afterAll(async () => {
  escapes.stop();
  removeHandlers();
  await agent.close();
  reportCases('ipc');
});

// ---- generators -------------------------------------------------------------------------------

/** Who calls: how to build the event, and whether it is the app's own page (decided from the URL, not by the product's check). */
type Sender = { kind: 'app' | 'foreign' | 'child-frame' | 'gone-frame' } | { kind: 'app-window-at'; url: string };

const url = fc.oneof(
  fc.webUrl(),
  fc.constantFrom(
    APP_START_URL,
    'app://varsync/',
    'app://varsync.evil/index.html',
    'app://varsyncx/',
    'app://evil/varsync/',
    'app://user@varsync/',
    'APP://VARSYNC/index.html',
    'app:/varsync/index.html',
    'file:///etc/passwd',
    'about:blank',
    'devtools://devtools/',
    'chrome-extension://x/',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }).map((text) => `app://varsync${text}`),
  fc.string({ maxLength: 30 }),
);

const sender: fc.Arbitrary<Sender> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'app' as const }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { kind: 'foreign' as const },
      { kind: 'child-frame' as const },
      { kind: 'gone-frame' as const },
    ),
  },
  { weight: 1, arbitrary: url.map((at) => ({ kind: 'app-window-at' as const, url: at })) },
);

const variableName = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...Object.keys(SEEDED_DEAD_LETTERS), ...Object.keys(SEEDED_PENDING)) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'x'.repeat(NAME_MAX_CHARS),
      'x'.repeat(NAME_MAX_CHARS + 1),
      '𝄞'.repeat(NAME_MAX_CHARS),
      '𝄞'.repeat(NAME_MAX_CHARS + 1),
      'a\nb',
      '__proto__',
      'constructor',
    ),
  },
);

const nameList = fc.array(variableName, { maxLength: 5 });
/** Around the first screen's bounds (1 to 500 rows), and numbers that are not a count. */
const rowCount = fc.oneof(
  fc.integer({ min: -2, max: 503 }),
  fc.constantFrom(0, 1, 500, 501, 2.5, Number.NaN, Infinity, -0),
);
const argument = fc.oneof(
  { weight: 4, arbitrary: nameList },
  { weight: 1, arbitrary: rowCount },
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc.anything({
      maxDepth: 2,
      maxKeys: 4,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withTypedArray: true,
      withBigInt: true,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.array(fc.oneof(variableName, fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 4 }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      Array.from({ length: 100_001 }, () => 'a'),
      Array.from({ length: 100_000 }, (_unused, index) => `n${index}`),
      new Array(3),
    ),
  },
);
const call = fc.record({
  channel: fc.constantFrom(...IPC_CHANNELS),
  sender,
  args: fc.oneof(
    { weight: 2, arbitrary: fc.constant([] as unknown[]) },
    { weight: 5, arbitrary: fc.array(argument, { minLength: 1, maxLength: 3 }) },
  ),
});

// ---- what the answer must be -------------------------------------------------------------------

const NAME_CHANNELS = new Set<IpcInvokeChannel>(['agent:retry-dead-letters', 'agent:discard-dead-letters']);
/** Channels that take one sync attempt's correlation ID. */
const ID_CHANNELS = new Set<IpcInvokeChannel>(['agent:get-attempt-log']);
const idShape = (args: unknown[]) =>
  args.length === 1 && typeof args[0] === 'string' && /^[0-9a-z-]{1,64}$/i.test(args[0]);
/** Channels that take a change feed's cursor (any text up to 80 characters; one it did not give means "the whole list"), or null. */
const CURSOR_CHANNELS = new Set<IpcInvokeChannel>(['agent:get-changes']);
const cursorShape = (args: unknown[]) =>
  args.length === 1 && (args[0] === null || (typeof args[0] === 'string' && args[0].length <= 80));
/** Channels that take a count of rows, 1 to 500. */
const ROWS_CHANNELS = new Set<IpcInvokeChannel>(['agent:get-first-screen']);
const rowsShape = (args: unknown[]) =>
  args.length === 1 && Number.isInteger(args[0]) && (args[0] as number) >= 1 && (args[0] as number) <= 500;

function isAppPage(at: string): boolean {
  try {
    const parsed = new URL(at);
    return parsed.protocol === 'app:' && parsed.host === 'varsync' && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

function eventFor(from: Sender): unknown {
  switch (from.kind) {
    case 'app':
      return window.webContents.ipcEvent();
    case 'foreign': {
      const contents = new FakeWebContents();
      contents.mainFrame.url = APP_START_URL;
      return contents.ipcEvent();
    }
    case 'child-frame':
      return window.webContents.ipcEvent(window.webContents.mainFrame.child(APP_START_URL));
    case 'gone-frame':
      return window.webContents.ipcEvent(null);
    case 'app-window-at':
      window.webContents.mainFrame.url = from.url;
      return window.webContents.ipcEvent();
  }
}

/** A list of names: undefined (all), or an array of text. `strict`: each a name a variable can have. */
function namesShape(args: unknown[], strict: boolean): boolean {
  if (args.length > 1) return false;
  const names = args[0];
  if (names === undefined) return true;
  if (!Array.isArray(names) || names.length > 100_000) return false;
  for (let index = 0; index < names.length; index++) {
    if (!(index in names)) return false;
    const name: unknown = names[index];
    if (typeof name !== 'string' || name.length === 0) return false;
    if (strict && nameProblem(name) !== undefined) return false;
  }
  return true;
}

/** Must the call be refused, must it be accepted, or may it go either way (text a name cannot be, which matches nothing)? */
function verdictFor(channel: IpcInvokeChannel, from: Sender, args: unknown[]): 'refuse' | 'accept' | 'either' {
  // The app window at another spelling of its own address may be refused (the check is strict); at any other address it must be.
  if (from.kind === 'app-window-at' && !isAppPage(from.url)) return 'refuse';
  if (from.kind !== 'app' && from.kind !== 'app-window-at') return 'refuse';
  if (ID_CHANNELS.has(channel)) return !idShape(args) ? 'refuse' : from.kind === 'app' ? 'accept' : 'either';
  if (CURSOR_CHANNELS.has(channel)) return !cursorShape(args) ? 'refuse' : from.kind === 'app' ? 'accept' : 'either';
  if (ROWS_CHANNELS.has(channel)) return !rowsShape(args) ? 'refuse' : from.kind === 'app' ? 'accept' : 'either';
  if (NAME_CHANNELS.has(channel) ? !namesShape(args, false) : args.length > 0) return 'refuse';
  if (from.kind !== 'app') return 'either';
  return !NAME_CHANNELS.has(channel) || namesShape(args, true) ? 'accept' : 'either';
}

function answerProblem(channel: IpcInvokeChannel, value: unknown): string | undefined {
  if (NAME_CHANNELS.has(channel))
    return Number.isInteger(value) && (value as number) >= 0
      ? undefined
      : `answered ${String(value)} instead of a count`;
  if (channel === 'agent:get-status')
    return typeof (value as { state?: unknown }).state === 'string' ? undefined : 'answered without a state';
  if (channel === 'agent:get-variables' || channel === 'agent:get-dead-letters' || channel === 'agent:get-activity')
    return Array.isArray(value) ? undefined : 'answered without a list';
  if (channel === 'agent:check-network')
    return typeof (value as { apiUrl?: unknown }).apiUrl === 'string' ? undefined : 'answered without the API URL';
  if (ROWS_CHANNELS.has(channel)) {
    const answer = value as { variables?: { first?: unknown; total?: unknown } };
    return Array.isArray(answer.variables?.first) && Number.isInteger(answer.variables?.total)
      ? undefined
      : 'answered without the first rows and their total';
  }
  if (CURSOR_CHANNELS.has(channel)) {
    // The changes, or (no usable cursor) the whole list as columns.
    const answer = value as { cursor?: unknown; variables?: { variables?: unknown; columns?: { names?: unknown } } };
    return typeof answer.cursor === 'string' &&
      (Array.isArray(answer.variables?.variables) || Array.isArray(answer.variables?.columns?.names))
      ? undefined
      : 'answered without changes';
  }
  return undefined;
}

// ---- the property -----------------------------------------------------------------------------

describe('the IPC channels', () => {
  it(`refuse bad senders and bad arguments in one line, never crash or hang, and lose nothing queued (${RUNS} generated calls)`, async () => {
    await fc.assert(
      fc.asyncProperty(call, async ({ channel, sender: from, args }) => {
        countCase('ipc');
        const before = snapshotQueue(agent);
        const paused = agent.status().paused;
        const opened = shell.openedPaths.length;
        const verdict = verdictFor(channel, from, args);
        let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
        try {
          outcome = await bounded(`${channel} ${JSON.stringify(from)}`, 10_000, async () => ({
            ok: true,
            value: await ipcMain.invoke(channel, eventFor(from), ...args),
          }));
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('hang:')) throw error;
          outcome = { ok: false, error };
        } finally {
          window.webContents.mainFrame.url = APP_START_URL;
        }
        const after = snapshotQueue(agent);
        const what = (): string => `${channel} from ${JSON.stringify(from)} with ${describeArgs(args)}`;
        if (!outcome.ok) {
          if (!(outcome.error instanceof Error))
            throw new Error(`${what()}: rejected with a non-Error ${String(outcome.error)}`);
          const unclear = oneLineProblem(outcome.error.message);
          if (unclear) throw new Error(`${what()}: ${unclear}`);
          const refused = outcome.error.message.startsWith('refused: ');
          if (verdict === 'accept' && refused)
            throw new Error(`${what()}: a good call was refused (${outcome.error.message})`);
          if (verdict === 'refuse' && !refused)
            throw new Error(`${what()}: a bad call reached the agent (${outcome.error.message})`);
          if (refused) {
            const change = queueChange(before, after);
            if (change) throw new Error(`${what()}: a refused call changed the queue: ${change}`);
            if (agent.status().paused !== paused || shell.openedPaths.length !== opened)
              throw new Error(`${what()}: a refused call acted`);
          }
        } else {
          if (verdict === 'refuse') throw new Error(`${what()}: a bad call was answered`);
          const wrong = answerProblem(channel, outcome.value);
          if (wrong) throw new Error(`${what()}: ${wrong}`);
        }
        const named = NAME_CHANNELS.has(channel) && outcome.ok ? (args[0] as string[] | undefined) : [];
        const loss = seededLoss(after, { touched: (name) => named === undefined || named.includes(name) });
        seedDeadLetters(agent);
        if (loss) throw new Error(`${what()}: ${loss}`);
      }),
      fcParameters(RUNS),
    );
    expect(escapes.problems).toEqual([]);
  }, 300_000);
});

function describeArgs(args: unknown[]): string {
  try {
    const text = JSON.stringify(args, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
    return text.length > 300 ? `${text.slice(0, 300)}... (${text.length} characters)` : text;
  } catch {
    return `${args.length} argument(s)`;
  }
}
