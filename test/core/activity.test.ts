// Activity: the agent's recent sync attempts with what started each one, its outcome, requests,
// values sent, duration and problem, and one attempt's log lines read back from the log folder by
// its correlation ID; real emulator, real SQLite file, real log files.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { Agent } from '../../main/core/agent.js';
import { openLog } from '../../main/core/log/agent-log.js';
import { emulatorConfig, eventually, tempDir } from '../helpers/agent.js';

const HW = 'activity-device';
let emulator: Emulator;
let agent: Agent | undefined;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.state.load(emulator.state.seed);
  emulator.faults.clear();
});
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

function openAgent(logDir: string | undefined): Agent {
  const log = logDir ? openLog({ dir: logDir, level: 'info' }).logger : undefined;
  agent = Agent.open({ config: emulatorConfig(emulator, tempDir(), { hardwareId: HW }), log, logDir });
  return agent;
}

describe('activity', () => {
  it('lists each attempt with its trigger, outcome, counts and problem; opens one attempt’s log lines', async () => {
    const logDir = tempDir('varsync-activity-logs-');
    const agent = openAgent(logDir);
    agent.set({ color: 'blue' });
    emulator.faults.failNext(503, 1);
    agent.startEngine();
    await eventually(
      () => agent.activity(),
      (attempts) => attempts.some((attempt) => attempt.outcome === 'drained'),
    );
    agent.set({ color: 'green' });
    await eventually(
      () => emulator.state.variablesOf(DEMO.product, HW),
      (values) => values.color === 'green',
    );
    await eventually(
      () => agent.activity().length,
      (count) => count === 3,
    );
    const [set, retry, start] = agent.activity();
    expect(start).toMatchObject({
      trigger: 'start',
      outcome: 'retrying',
      requests: 1,
      sent: 0,
      problem: { kind: 'server', code: 'server_error', message: 'Injected failure.' },
    });
    expect(retry).toMatchObject({ trigger: 'retry', outcome: 'drained', sent: 1, problem: null });
    expect(set).toMatchObject({ trigger: 'set', outcome: 'drained', requests: 1, sent: 1, problem: null });
    // What was left pending after each: the 24-hour chart's line.
    expect([start!.pendingAfter, retry!.pendingAfter, set!.pendingAfter]).toEqual([1, 0, 0]);
    for (const attempt of [set!, retry!, start!]) {
      expect(attempt.correlationId).toMatch(/^[0-9a-f]{8}$/);
      expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(attempt.startedAt)).toBeGreaterThan(0);
    }

    const failed = agent.attemptLog(start!.correlationId)!;
    expect(failed.problem).toBeNull();
    expect(failed.truncated).toBe(false);
    expect(failed.lines[0]).toMatch(new RegExp(`info  \\[sync ${start!.correlationId}\\] pass started: 1 pending$`));
    expect(failed.lines.join('\n')).toMatch(/server failure 503 server_error/);
    for (const line of failed.lines) expect(line).toContain(`[sync ${start!.correlationId}] `);
    expect(agent.attemptLog(set!.correlationId)!.lines.at(-1)).toMatch(/pass drained: 1 sent in 1 request\(s\)/);
    expect(agent.attemptLog('0badc0de')).toBeUndefined();
  });

  it('says why an attempt has no lines when the agent writes no log file', async () => {
    const agent = openAgent(undefined);
    agent.set({ color: 'blue' });
    await agent.syncNow();
    const [attempt] = agent.activity();
    expect(attempt).toMatchObject({ trigger: 'manual', outcome: 'drained' });
    expect(agent.attemptLog(attempt!.correlationId)).toEqual({
      correlationId: attempt!.correlationId,
      lines: [],
      truncated: false,
      problem: 'This agent writes no log file, so there are no lines to show.',
    });
  });
});
