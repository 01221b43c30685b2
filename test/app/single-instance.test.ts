// One instance: a second launch hands its `--set` arguments to the running agent, or brings the
// window forward.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applySetArguments, setArguments, setupSingleInstance } from '../../main/app/single-instance.js';
import { Agent } from '../../main/core/agent.js';
import { objectLayer, resolveConfig } from '../../main/core/config/resolve.js';
import { tempDir } from '../helpers/agent.js';
import { app, fakeEvent, resetFakeElectron } from './helpers/fake-electron.js';
import { recordingLogger } from './helpers/logger.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

let agent: Agent;
let log: ReturnType<typeof recordingLogger>;
let shown: number;

/** What main.ts does with a launch handed over. */
const receive = (argv: string[]) => applySetArguments(argv, agent, log) || shown++;
const secondLaunch = (argv: string[], additionalData?: unknown) =>
  app.emit('second-instance', fakeEvent(), argv, '/home/user', additionalData);
const values = () => Object.fromEntries(agent.variables().map((variable) => [variable.name, variable.value]));

beforeEach(() => {
  resetFakeElectron();
  agent = Agent.open({
    config: resolveConfig([objectLayer('flag', { dataDir: tempDir('varsync-instance-') }, 'test')]),
  });
  log = recordingLogger();
  shown = 0;
});

afterEach(async () => {
  await agent.close();
});

describe('the single-instance lock', () => {
  it('tells a second instance to quit', () => {
    app.lockGranted = false;
    expect(setupSingleInstance(['/usr/bin/varsync'])).toBeUndefined();
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('sends the command line along as additional data', () => {
    setupSingleInstance(['/usr/bin/varsync', '--set', 'a=1']);
    expect(app.lockData).toEqual([{ argv: ['/usr/bin/varsync', '--set', 'a=1'] }]);
  });

  it("applies a second launch's --set arguments with agent.set, without showing the window", () => {
    setupSingleInstance(['/usr/bin/varsync'])!.deliverTo(receive);
    secondLaunch(['--set', 'a=1']);
    expect(values()).toEqual({ a: '1' });
    expect(agent.variables()[0]).toMatchObject({ name: 'a', value: '1', state: 'pending' });
    expect(shown).toBe(0);
    secondLaunch(['/usr/bin/varsync', '--set=seats:=3', '--hidden', '--set', 'beta:=true', '--set', 'note=a=b']);
    expect(values()).toEqual({ a: '1', seats: 3, beta: true, note: 'a=b' });
    expect(log.lines).toContain('info launch arguments: queued 3');
  });

  it('prefers the arguments as sent over a command line the OS reordered', () => {
    setupSingleInstance(['/usr/bin/varsync'])!.deliverTo(receive);
    secondLaunch(['/usr/bin/varsync', '--set', '--allow-file-access-from-files', 'a=1'], {
      argv: ['/usr/bin/varsync', '--set', 'a=1'],
    });
    expect(values()).toEqual({ a: '1' });
  });

  it('brings the window forward when launched again without arguments', () => {
    setupSingleInstance(['/usr/bin/varsync'])!.deliverTo(receive);
    secondLaunch(['/usr/bin/varsync']);
    secondLaunch(['/usr/bin/varsync', '--user-data-dir=/tmp/x'], { not: 'argv' });
    expect(shown).toBe(2);
    expect(agent.variables()).toEqual([]);
  });

  it('keeps launches that arrive before the agent is ready, in order', () => {
    const handover = setupSingleInstance(['/usr/bin/varsync'])!;
    secondLaunch(['--set', 'a=1']);
    secondLaunch(['--set', 'a=2']);
    secondLaunch([]);
    expect(agent.variables()).toEqual([]);
    handover.deliverTo(receive);
    expect(values()).toEqual({ a: '2' });
    expect(shown).toBe(1);
  });

  it('queues nothing from a launch with a bad argument, and says why', () => {
    setupSingleInstance(['/usr/bin/varsync'])!.deliverTo(receive);
    secondLaunch(['--set', 'a=1', '--set', 'no-equals-sign']);
    secondLaunch(['--set', 'a=1', '--set', 'b:=[1]']);
    secondLaunch(['--set', ' spaced =1']);
    expect(agent.variables()).toEqual([]);
    expect(shown).toBe(0);
    expect(log.lines.filter((line) => line.startsWith('error launch arguments refused, nothing queued'))).toHaveLength(
      3,
    );
  });
});

describe('--set arguments', () => {
  it('are found among other switches', () => {
    expect(
      setArguments(['/app/Varsync', '--hidden', '--set', 'a=1', '--inspect=0', '--set=b:=2', 'c=3', '--set']),
    ).toEqual([
      ['a', '1'],
      ['b', 2],
    ]);
  });
});
