// The daemon under test, `varsync run` as users start it, SIGKILLed at random moments (while it
// loads, at any time once it works, or just after a request reached the server, while the answer
// is on its way or being recorded) and started again on the same data folder.
//
// Before a restart the soak waits until the emulator has answered every request it received: a
// server may still apply a request of a process that is gone, and a successor that sent first
// would be overtaken by it. (A soak with a restart faster than that would test the server's
// ordering, which no client controls.) How often the wait mattered is reported.
import { sleep, VARSYNC_BIN } from '../bench/lib/setup.js';
import { sigkill, spawnNode, terminate, type Child, type Exit } from './children.js';
import type { Random } from './random.js';
import type { RequestTally } from './request-log.js';
import type { Range } from './settings.js';

export interface DaemonFigures {
  starts: number;
  /** SIGKILLs, each followed by a restart. */
  restarts: number;
  /** Kills at a random time counted from the spawn (often while the daemon loads). */
  killsAfterSpawn: number;
  /** Kills at a random time counted from the daemon's first request. */
  killsAfterFirstRequest: number;
  /** Kills 0-25 ms after one of the daemon's first requests reached the server. */
  killsJustAfterRequest: number;
  /** Kills (of any kind) before the daemon had sent anything. */
  killsBeforeFirstRequest: number;
  /** Kills (of any kind) while the server was still working on one of its requests. */
  killsWithRequestInFlight: number;
  /** Restarts that waited for the emulator to finish a request of the killed daemon. */
  waitsForKilledDaemonsRequest: number;
  /** The daemon stopped without being killed: always a failure. */
  unexpectedExits: string[];
}

interface DaemonChaosOptions {
  env: NodeJS.ProcessEnv;
  random: Random;
  lifeMs: Range;
  tally: RequestTally;
  /** Requests the emulator has received so far. */
  requestsReceived: () => number;
}

const KILLED_REQUEST_WAIT_MS = 5_000;

type KillMoment = 'after spawn' | 'after first request' | 'just after a request';

export class DaemonChaos {
  readonly figures: DaemonFigures = {
    starts: 0,
    restarts: 0,
    killsAfterSpawn: 0,
    killsAfterFirstRequest: 0,
    killsJustAfterRequest: 0,
    killsBeforeFirstRequest: 0,
    killsWithRequestInFlight: 0,
    waitsForKilledDaemonsRequest: 0,
    unexpectedExits: [],
  };
  private current: Child | undefined;
  private calming = false;
  private wake: () => void = () => undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: DaemonChaosOptions) {}

  start(): void {
    this.loop = this.killAndRestart();
  }

  /** Stop killing; when this resolves, a daemon is running. */
  async calm(): Promise<void> {
    this.calming = true;
    this.wake();
    await this.loop;
  }

  /** The clean stop (SIGTERM) at the end; returns how the daemon exited. */
  async stop(): Promise<Exit | undefined> {
    return this.current && terminate(this.current);
  }

  private spawn(): Child {
    this.figures.starts++;
    return spawnNode([VARSYNC_BIN, 'run'], this.options.env);
  }

  private async killAndRestart(): Promise<void> {
    const { tally } = this.options;
    for (;;) {
      const daemon = (this.current = this.spawn());
      const requestsAtSpawn = this.options.requestsReceived();
      const woken = new Promise<'calm'>((resolve) => (this.wake = () => resolve('calm')));
      const event = this.calming
        ? 'calm'
        : await Promise.race([daemon.exited.then(() => 'exited' as const), woken, this.killMoment(requestsAtSpawn)]);
      if (event === 'exited') {
        const exit = await daemon.exited;
        this.figures.unexpectedExits.push(
          `exit ${exit.code ?? exit.signal}: ${daemon.stderrTail().trim().split('\n').slice(-5).join(' | ')}`,
        );
        continue;
      }
      if (event === 'calm') return;
      if (event === 'after spawn') this.figures.killsAfterSpawn++;
      else if (event === 'after first request') this.figures.killsAfterFirstRequest++;
      else this.figures.killsJustAfterRequest++;
      if (this.options.requestsReceived() === requestsAtSpawn) this.figures.killsBeforeFirstRequest++;
      if (tally.inProgress() > 0) this.figures.killsWithRequestInFlight++;
      await sigkill(daemon);
      this.figures.restarts++;
      await this.waitForKilledDaemonsRequest();
    }
  }

  /**
   * When to kill: a quarter at a random time after the spawn (often while the daemon loads), the
   * rest once it works: at a random time after its first request, or 0-25 ms after one of its
   * first requests reached the server (the answer on its way, or being recorded).
   */
  private async killMoment(requestsAtSpawn: number): Promise<KillMoment> {
    const { random, lifeMs } = this.options;
    const roll = random.next();
    if (roll < 0.25) {
      await sleep(random.between(...lifeMs));
      return 'after spawn';
    }
    // A daemon that never sends (it cannot start, say) is still killed in the end.
    const deadline = Date.now() + 3 * lifeMs[1];
    const requestsReached = async (count: number): Promise<boolean> => {
      while (this.options.requestsReceived() - requestsAtSpawn < count && Date.now() < deadline && !this.calming)
        await sleep(2);
      return this.options.requestsReceived() - requestsAtSpawn >= count;
    };
    if (roll < 0.6) {
      const reached = await requestsReached(1);
      await sleep(random.between(0, lifeMs[1]));
      return reached ? 'after first request' : 'after spawn';
    }
    const reached = await requestsReached(random.int(1, 3));
    await sleep(random.int(0, 25));
    return reached ? 'just after a request' : 'after spawn';
  }

  private async waitForKilledDaemonsRequest(): Promise<void> {
    const { tally } = this.options;
    // A request written just before the kill may reach the emulator a moment after the exit is seen.
    await sleep(20);
    if (tally.inProgress() === 0) return;
    this.figures.waitsForKilledDaemonsRequest++;
    const deadline = Date.now() + KILLED_REQUEST_WAIT_MS;
    while (tally.inProgress() > 0 && Date.now() < deadline) await sleep(10);
  }
}
