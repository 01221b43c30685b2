// Child processes of the benchmark (always `node`, never a shell) and what /proc says about them.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const children = new Set<ChildProcess>();

export interface Spawned {
  child: ChildProcess;
  /** Everything the child wrote to stderr, for error messages. */
  stderr: () => string;
  /** What it wrote to stdout, when spawned with `keepStdout` (empty otherwise). */
  stdout: () => string;
  exited: Promise<number | null>;
}

/** Start `node ARGS` with the given environment; stdout is discarded unless `keepStdout`, stderr kept. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv, options: { keepStdout?: boolean } = {}): Spawned {
  const child = spawn(process.execPath, args, {
    env,
    stdio: ['ignore', options.keepStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  let stdout = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    });
  });
  return { child, stderr: () => stderr, stdout: () => stdout, exited };
}

/** Run to completion and return what the child printed (for children that report their own timings). */
export function nodeOutput(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      children.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/** Run to completion; returns the wall time from spawn to exit in ms. */
export async function timeNodeRun(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = process.hrtime.bigint();
  const run = spawnNode(args, env);
  const code = await run.exited;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}: ${run.stderr().trim()}`);
  return ms;
}

/** SIGTERM (the daemon's clean stop), then SIGKILL if it does not exit in time. */
export function stop(run: Spawned, graceMs = 10_000): Promise<number | null> {
  return stopGracefully(run.child, run.exited, graceMs);
}

/** SIGTERM, then SIGKILL if the child is still there after `graceMs`; resolves with what `exited` gives (also used by the soak). */
export async function stopGracefully<T>(child: ChildProcess, exited: Promise<T>, graceMs: number): Promise<T> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Kill any child still running (only ours, by their own handle): the benchmark must end by itself. */
export function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

export interface ProcSample {
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  rssKiB: number;
  voluntarySwitches: number;
  nonvoluntarySwitches: number;
  threads: number;
}

/** CPU time and memory of a child, from /proc (process.cpuUsage only covers this process). */
export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses; the fields after its closing ')' do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuTicks: utime + stime,
    rssKiB: statusField(status, 'VmRSS'),
    voluntarySwitches: statusField(status, 'voluntary_ctxt_switches'),
    nonvoluntarySwitches: statusField(status, 'nonvoluntary_ctxt_switches'),
    threads: statusField(status, 'Threads'),
  };
}

export interface MemorySample {
  /** VmRSS: resident memory, all of it. */
  rssKiB: number;
  /** RssAnon: the heaps and stacks (what grows with the data a process holds). */
  anonKiB: number;
}

/** Resident memory of a child, from /proc/<pid>/status. */
export function sampleMemory(pid: number): MemorySample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssKiB: statusField(status, 'VmRSS'), anonKiB: statusField(status, 'RssAnon') };
}

function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${name}`);
  return Number(match[1]);
}

let ticks: number | undefined;

/** Clock ticks per second (USER_HZ) for /proc/<pid>/stat times. */
export function clockTicksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100; // the value on every Linux build that matters
    }
  }
  return ticks;
}
