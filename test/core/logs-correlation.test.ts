// A sync attempt's correlation ID is on every line it causes, the License API client's included
// (the engine hands the client its attempt's logger per call), and it is the ID the sync history
// keeps, so that support can go from `varsync status`/the bundle's history to the log lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, demoSeed, startEmulator, type Emulator } from '../../emulator/index.js';
import { Agent } from '../../main/core/agent.js';
import { openLog } from '../../main/core/log/agent-log.js';
import { LOG_FILE_NAME } from '../../main/core/log/files.js';
import { hmacClient, demoRef } from '../helpers/api.js';
import { emulatorConfig, eventually, tempDir } from '../helpers/agent.js';

const HW = 'correlation-device';
const ATTEMPT = /^\S+ (?:error|warn |info |debug) \[sync ([0-9a-f]{8})\] /;

let emulator: Emulator;
let agent: Agent | undefined;
let logDir: string;

beforeAll(async () => {
  emulator = await startEmulator({ seed: { ...demoSeed(), validation: { rejectNames: ['refused'] } } });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.state.load(emulator.state.seed);
  emulator.faults.clear();
  logDir = tempDir('varsync-correlation-logs-');
});
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

const logLines = () => readFileSync(join(logDir, LOG_FILE_NAME), 'utf8').split('\n').filter(Boolean);

function openAgent(): Agent {
  const log = openLog({ dir: logDir, level: 'debug' });
  agent = Agent.open({ config: emulatorConfig(emulator, tempDir(), { hardwareId: HW }), log: log.logger });
  return agent;
}

describe('correlation IDs', () => {
  it('mark every line of each attempt, the License API client’s too, with the ID the history keeps', async () => {
    const agent = openAgent();
    agent.set({ color: 'blue', refused: 'x' });
    emulator.faults.failNext(503, 1);
    expect((await agent.syncNow()).outcome).toBe('retrying'); // 503
    expect((await agent.syncNow()).outcome).toBe('drained'); // device_not_found, activation, a refused name split out
    agent.set({ color: 'green' });
    expect((await agent.syncNow()).outcome).toBe('drained');

    const history = agent.store.history(10).reverse();
    expect(history.map((record) => record.outcome)).toEqual(['retrying', 'drained', 'drained']);
    const ids = history.map((record) => record.correlationId);
    expect(new Set(ids).size).toBe(3);

    const lines = logLines();
    // Nothing but the three attempts logged here, so every line belongs to one of them.
    for (const line of lines) expect(ids, line).toContain(ATTEMPT.exec(line)?.[1]);
    const linesOf = (id: string) =>
      lines.filter((line) => line.includes(`[sync ${id}] `)).map((line) => line.replace(ATTEMPT, ''));
    expect(linesOf(ids[0]!)).toEqual([
      'pass started: 2 pending',
      expect.stringMatching(/^License API POST track_device_variables: server failure 503 server_error in \d+ ms/),
      expect.stringMatching(/^will retry: server failure server_error/),
      expect.stringMatching(/^next attempt in \d+ ms \(failure 1\)$/),
      'pass retrying: 0 sent in 1 request(s), 2 pending',
    ]);
    expect(linesOf(ids[1]!)).toEqual([
      'pass started: 2 pending',
      expect.stringMatching(
        /^License API POST track_device_variables: payload failure 400 validation_error in \d+ ms: Variable "refused": name is not allowed\.$/,
      ),
      'batch of 2 refused (validation_error); splitting to find the refused variables',
      expect.stringMatching(/^License API POST track_device_variables: device failure 400 device_not_found in \d+ ms/),
      'device not activated on the license; activating it',
      expect.stringMatching(/^License API POST activate_license: ok in \d+ ms$/),
      'device activated',
      expect.stringMatching(/^License API POST track_device_variables: payload failure 400 validation_error in \d+ ms/),
      'variable "refused" refused by the server (validation_error): Variable "refused": name is not allowed.',
      'pass drained: 1 sent in 4 request(s), 0 pending',
    ]);
    expect(linesOf(ids[2]!)).toEqual([
      'pass started: 1 pending',
      expect.stringMatching(/^License API POST track_device_variables: ok in \d+ ms$/),
      'pass drained: 1 sent in 1 request(s), 0 pending',
    ]);
  });

  it('mark the probe a scheduled retry sends first after a network failure', async () => {
    const agent = openAgent();
    emulator.faults.dropNext(1);
    agent.set({ color: 'blue' });
    agent.startEngine();
    await eventually(
      () => emulator.state.variablesOf(DEMO.product, HW),
      (values) => values.color === 'blue',
    );
    await eventually(
      () => agent.status().state,
      (state) => state === 'synced',
    );
    const lines = logLines().filter((line) => !line.includes('sync engine started'));
    for (const line of lines) expect(line).toMatch(ATTEMPT);
    const probe = lines.find((line) => line.includes('License API GET .well-known: ok'));
    expect(probe).toBeDefined();
    const id = ATTEMPT.exec(probe!)![1]!;
    expect(lines.find((line) => line.includes(`[sync ${id}] pass started`))).toBeDefined();
    expect(agent.store.history(10).map((record) => record.correlationId)).toContain(id);
  });

  it('the client logs through its own logger when a call brings none', async () => {
    const own = tempDir('varsync-client-log-');
    const log = openLog({ dir: own, level: 'debug' });
    const client = hmacClient(emulator, { logger: log.logger });
    const attempt = openLog({ dir: logDir, level: 'debug' }).logger.child('sync feedc0de');
    await client.probe();
    await client.checkLicense(demoRef('unknown-device'), attempt).catch(() => undefined);
    expect(readFileSync(join(own, LOG_FILE_NAME), 'utf8')).toMatch(/debug License API GET \.well-known: ok/);
    expect(logLines()).toEqual([
      expect.stringMatching(
        / warn {2}\[sync feedc0de\] License API GET check_license: device failure 400 device_not_found/,
      ),
    ]);
  });
});
