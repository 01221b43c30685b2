// What every bad-input surface shares: the fast-check seed and run count (fixed by default so a
// failure can be replayed; FC_SEED and FC_RUNS override), a count of the cases each surface
// actually tried, the summary line, a bound on every case (a hang fails the case instead of
// the whole file), and a watch for exceptions or rejections that escape the product.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Parameters } from 'fast-check';

export const SURFACES = ['cli', 'ipc', 'http', 'vendor', 'api'] as const;
export type Surface = (typeof SURFACES)[number];

/** The seed every surface uses unless FC_SEED says otherwise. */
const DEFAULT_SEED = 20_260_601;

function fcSeed(): number {
  const given = process.env.FC_SEED;
  if (given === undefined || given === '') return DEFAULT_SEED;
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got "${given}"`);
  return seed;
}

/** FC_RUNS scales every surface's run count (FC_RUNS=2 tries twice as many cases). */
function fcRuns(base: number): number {
  const factor = Number(process.env.FC_RUNS ?? '1');
  return Math.max(1, Math.round(base * (Number.isFinite(factor) && factor > 0 ? factor : 1)));
}

/** fast-check parameters: the fixed seed, the given runs, and no shrinking (a failure stops at once; its printed seed and path replay it). */
export function fcParameters<T>(numRuns: number): Parameters<T> {
  return { seed: fcSeed(), numRuns: fcRuns(numRuns), endOnFailure: true };
}

const tried = new Map<Surface, number>();

/** Count one generated case of a surface (call at the start of each property run). */
export function countCase(surface: Surface): void {
  tried.set(surface, (tried.get(surface) ?? 0) + 1);
}

function casesTried(surface: Surface): number {
  return tried.get(surface) ?? 0;
}

/**
 * Print this file's count, and, once every surface of the same vitest run has reported, the
 * total. Files run in separate worker processes, so the counts meet in a folder named after
 * the vitest process that started them all.
 */
export function reportCases(surface: Surface): void {
  const count = casesTried(surface);
  console.log(`bad-input ${surface}: ${count} cases (seed ${fcSeed()})`);
  removeFoldersOfEndedRuns();
  const folder = join(tmpdir(), `${COUNTS_PREFIX}${process.ppid}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${surface}.json`), JSON.stringify({ count, seed: fcSeed() }));
  const counts = new Map<string, number>();
  for (const file of readdirSync(folder)) {
    if (!file.endsWith('.json')) continue;
    try {
      counts.set(
        file.slice(0, -'.json'.length),
        (JSON.parse(readFileSync(join(folder, file), 'utf8')) as { count: number }).count,
      );
    } catch {
      // another worker is writing its file right now; it prints the total itself
    }
  }
  if (SURFACES.every((name) => counts.has(name))) {
    const total = SURFACES.reduce((sum, name) => sum + counts.get(name)!, 0);
    console.log(
      `bad-input: ${total} cases (${SURFACES.map((name) => `${name} ${counts.get(name)}`).join(', ')}; seed ${fcSeed()})`,
    );
    rmSync(folder, { recursive: true, force: true });
  }
}

const COUNTS_PREFIX = 'varsync-bad-input-';

/** A run of only some surfaces never prints the total: its folder goes once its vitest process has ended. */
function removeFoldersOfEndedRuns(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(COUNTS_PREFIX)) continue;
    const pid = Number(name.slice(COUNTS_PREFIX.length));
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Run one case, failing it (not the file) when it does not settle within `ms`. */
export async function bounded<T>(what: string, ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Exceptions and rejections nobody handled, and timers scheduled beyond Node's range (which
 * fire at once: a retry loop instead of a wait), while this file's cases ran.
 */
export function watchEscapes(): { problems: string[]; stop(): void } {
  const problems: string[] = [];
  const onRejection = (reason: unknown) => problems.push(`unhandled rejection: ${describeEscape(reason)}`);
  const onException = (error: unknown) => problems.push(`uncaught exception: ${describeEscape(error)}`);
  const onWarning = (warning: Error) => {
    if (warning.name === 'TimeoutOverflowWarning') problems.push(`timer out of range: ${warning.message}`);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  process.on('warning', onWarning);
  return {
    problems,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
      process.off('warning', onWarning);
    },
  };
}

/** Servers, sockets and timers alive in this process, by kind. */
export function liveResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'TCPServerWrap' || kind === 'TCPSocketWrap' || kind === 'Timeout')
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

/**
 * What a finished case left running compared with `before` (a server still listening, a
 * socket, a timer that keeps the process alive), or undefined. Sockets being closed get a
 * moment to finish closing.
 */
export async function leftRunning(before: Map<string, number>): Promise<string | undefined> {
  const extra = () =>
    [...liveResources()]
      .filter(([kind, count]) => count > (before.get(kind) ?? 0))
      .map(([kind, count]) => `${count - (before.get(kind) ?? 0)} ${kind}`);
  // Up to a second: a busy machine may take a while to finish closing; a real leak (a server, a 15 s heartbeat) stays.
  for (let wait = 0; wait < 100 && extra().length > 0; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
  return extra().length > 0 ? `left running: ${extra().join(', ')}` : undefined;
}

function describeEscape(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message.split('\n')[0]}` : String(value);
}

/** A stack frame as Node prints it ("    at fn (file.js:1:2)" or "    at file.js:1:2"). */
const STACK_FRAME = /(^|\n)\s*at (?:.+ \()?(?:\S+):\d+:\d+\)?/;

/**
 * Why `message` is not a clear one-line error, or undefined when it is: not empty, one line, no
 * stack frame, no control characters that would let the text forge further lines.
 */
export function oneLineProblem(message: string): string | undefined {
  if (message.trim() === '') return 'the message is empty';
  if (/[\r\n\u2028\u2029]/.test(message))
    return `the message spans several lines: ${JSON.stringify(message.slice(0, 300))}`;
  if (STACK_FRAME.test(message)) return `the message holds a stack frame: ${JSON.stringify(message.slice(0, 300))}`;
  return undefined;
}

export function hasStackFrame(text: string): boolean {
  return STACK_FRAME.test(text);
}
