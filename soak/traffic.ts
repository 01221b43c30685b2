// The sets of the soak, from two kinds of processes on the daemon's data folder: a long-lived
// setter process (the agent library, as a vendor's app uses it; SIGKILLed now and then, sometimes
// a few milliseconds after it was handed a set) and real `varsync set NAME=VALUE ...` commands.
// A set counts as acknowledged only when its call returned success: the setter printed "ack" or
// the command exited 0. A set cut by a kill is settled by looking in the data folder afterwards.
import type { VariableValue } from '../shared/wire.js';
import { sleep, VARSYNC_BIN } from '../bench/lib/setup.js';
import { sigkill, spawnNode, type Child } from './children.js';
import type { Ledger } from './ledger.js';
import type { Random } from './random.js';
import type { SoakSettings } from './settings.js';

const SETTER_ENTRY = 'soak/setter.ts';
/** How many of the latest names count as "set a moment ago". */
const RECENT_NAMES = 12;

/** What the data folder holds for these names now (pending, synced or refused), read by the driver. */
export type ReadLocal = (names: string[]) => Map<string, VariableValue>;

export interface TrafficFigures {
  setterStarts: number;
  setterKills: number;
  /** Sets the agent refused (none expected: every name and value is valid). */
  refused: string[];
  /** Setter processes or commands that failed on their own. */
  failures: string[];
}

type SetAnswer = { kind: 'ack' } | { kind: 'cut' } | { kind: 'refused'; message: string };

/** One setter process: hands it sets one at a time and waits for each answer. */
class SetterProcess {
  private readonly waiting = new Map<number, (answer: SetAnswer) => void>();
  private readyResolve: () => void = () => undefined;
  readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  readonly child: Child;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawnNode(['--import', 'tsx', SETTER_ENTRY], env, (line) => this.onLine(line));
    void this.child.exited.then(() => {
      this.readyResolve();
      for (const resolve of this.waiting.values()) resolve({ kind: 'cut' });
      this.waiting.clear();
    });
  }

  set(id: number, name: string, value: VariableValue): Promise<SetAnswer> {
    if (!this.child.isRunning()) return Promise.resolve({ kind: 'cut' });
    const answer = new Promise<SetAnswer>((resolve) => this.waiting.set(id, resolve));
    this.child.process.stdin!.write(`${JSON.stringify({ id, name, value })}\n`);
    return answer;
  }

  private onLine(line: string): void {
    if (line === 'ready') return this.readyResolve();
    const match = /^(ack|refused) (\d+)(?: (.*))?$/.exec(line);
    if (!match) return;
    const resolve = this.waiting.get(Number(match[2]));
    this.waiting.delete(Number(match[2]));
    resolve?.(match[1] === 'ack' ? { kind: 'ack' } : { kind: 'refused', message: match[3] ?? '' });
  }
}

export class Traffic {
  readonly figures: TrafficFigures = { setterStarts: 0, setterKills: 0, refused: [], failures: [] };
  private stopping = false;
  private loops: Promise<void>[] = [];
  private counter = 0;
  private readonly recent: string[] = [];

  constructor(
    private readonly options: {
      env: NodeJS.ProcessEnv;
      random: Random;
      settings: SoakSettings;
      ledger: Ledger;
      names: readonly string[];
      readLocal: ReadLocal;
    },
  ) {}

  start(): void {
    this.loops = [this.setterLoop(), this.commandLoop()];
  }

  /** Stop after the sets in flight are settled. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  private async setterLoop(): Promise<void> {
    const { random, settings, ledger } = this.options;
    let setter = await this.startSetter();
    let killAt = Date.now() + random.between(...settings.setterLifeMs);
    const interval = 1000 / settings.setsPerSecond;
    let due = Date.now();
    while (!this.stopping) {
      const name = this.pickName();
      const value = this.nextValue();
      const id = this.counter;
      ledger.begin(name, value);
      const answer = setter.set(id, name, value);
      const killing = Date.now() >= killAt;
      // Killed a few milliseconds after being handed a set: before, during or after its commit.
      if (killing) setTimeout(() => void sigkill(setter.child), random.int(0, 4));
      const result = await answer;
      if (result.kind === 'ack') ledger.acknowledge(name, 'setter');
      else if (result.kind === 'refused') {
        ledger.refuse(name);
        this.figures.refused.push(`${name}: ${result.message}`);
      }
      if (killing || result.kind === 'cut') {
        const exit = await sigkill(setter.child);
        if (killing) this.figures.setterKills++;
        else
          this.figures.failures.push(
            `setter exited by itself (${exit.code ?? exit.signal}): ${setter.child.stderrTail().trim()}`,
          );
        if (result.kind === 'cut') ledger.settleCut(name, this.options.readLocal([name]).get(name));
        if (this.stopping) return;
        setter = await this.startSetter();
        killAt = Date.now() + random.between(...settings.setterLifeMs);
      }
      due += interval;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      else if (wait < -1000) due = Date.now(); // fell behind (a restart): do not burst to catch up
    }
    setter.child.process.stdin!.end();
    await setter.child.exited;
  }

  private async startSetter(): Promise<SetterProcess> {
    for (;;) {
      this.figures.setterStarts++;
      const setter = new SetterProcess(this.options.env);
      await setter.ready;
      if (setter.child.isRunning()) return setter;
      this.figures.failures.push(`setter did not start: ${setter.child.stderrTail().trim()}`);
      if (this.figures.failures.length > 20)
        throw new Error(`the setter process keeps failing: ${setter.child.stderrTail().trim()}`);
      await sleep(200);
    }
  }

  /** Real `varsync set` commands, one to six assignments each (text as NAME=VALUE, numbers as NAME:=JSON). */
  private async commandLoop(): Promise<void> {
    const { random, settings, ledger, env } = this.options;
    while (!this.stopping) {
      const until = Date.now() + random.between(...settings.cliSetEveryMs);
      while (!this.stopping && Date.now() < until) await sleep(50);
      if (this.stopping) return;
      const assignments = new Map<string, VariableValue>();
      const wanted = random.int(1, 6);
      while (assignments.size < wanted) {
        const name = this.pickName();
        if (!assignments.has(name)) assignments.set(name, this.nextValue());
      }
      for (const [name, value] of assignments) ledger.begin(name, value);
      const args = [...assignments].map(([name, value]) =>
        typeof value === 'string' ? `${name}=${value}` : `${name}:=${JSON.stringify(value)}`,
      );
      const command = spawnNode([VARSYNC_BIN, 'set', ...args], env);
      const exit = await command.exited;
      if (exit.code === 0) {
        for (const name of assignments.keys()) ledger.acknowledge(name, 'cli');
        ledger.counts.cliCommands++;
      } else {
        this.figures.failures.push(
          `varsync set exited with ${exit.code ?? exit.signal}: ${command.stderrTail().trim()}`,
        );
        const found = this.options.readLocal([...assignments.keys()]);
        for (const name of assignments.keys()) ledger.settleCut(name, found.get(name));
      }
    }
  }

  /**
   * A quarter of the sets go to a name set moment ago (likely still pending, or in the request on
   * the wire) and a tenth to a few hot names, so that values are often replaced while a request
   * carries the previous one; the rest spread over all names.
   */
  private pickName(): string {
    const { random, names, ledger } = this.options;
    const hot = Math.max(1, Math.floor(names.length / 50));
    for (;;) {
      const roll = random.next();
      const name =
        roll < 0.25 && this.recent.length > 0
          ? random.pick(this.recent)
          : roll < 0.35
            ? names[random.int(0, hot - 1)]!
            : random.pick(names);
      if (ledger.isBusy(name)) continue;
      this.recent.push(name);
      if (this.recent.length > RECENT_NAMES) this.recent.shift();
      return name;
    }
  }

  /** Every value unique (it carries a counter), so that a value seen twice in the request log was sent twice. */
  private nextValue(): VariableValue {
    const { random } = this.options;
    const n = ++this.counter;
    const roll = random.next();
    if (roll < 0.35) return random.pick([n, n + 0.25, -n]);
    if (roll < 0.95) return `v${n}-${random.int(0, 36 ** 4).toString(36)}`;
    // Long text, multi-byte characters included, within the 4,096-byte limit.
    return `v${n}:${'größe ☃ '.repeat(random.int(10, 300))}`.slice(0, 1200);
  }
}

/** The soak's variable names: mostly plain, some with spaces, punctuation, non-ASCII letters, or 128 characters long. */
export function variableNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    if (i % 97 === 13) return `app setting ${i}`;
    if (i % 89 === 7) return `größe.ünïcødé-${i}`;
    if (i % 211 === 5) return `long-${i}-`.padEnd(128, 'x');
    if (i % 53 === 3) return `com.vendor.product/feature[${i}]`;
    return `var-${String(i).padStart(4, '0')}`;
  });
}
