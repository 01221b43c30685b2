// The soak's child processes (always `node`, never a shell): started with their own environment,
// stdout read line by line, the end of stderr kept for error messages, and every one of them
// killed by its own handle when the soak ends, whatever happened.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopGracefully } from '../bench/lib/proc.js';

/** The project's root folder (the soak starts `bin/varsync.mjs` and its own setter from there). */
const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

const STDERR_KEPT = 4_000;
const live = new Set<ChildProcess>();

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<Exit>;
  /** The last few KB the child wrote to stderr. */
  stderrTail(): string;
  isRunning(): boolean;
}

/** Start `node ARGS`; `onLine` receives every complete stdout line (a line cut by a kill never arrives). */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Child {
  const child = spawn(process.execPath, args, {
    env,
    cwd: PROJECT_ROOT,
    stdio: ['pipe', onLine ? 'pipe' : 'ignore', 'pipe'],
  });
  live.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT);
  });
  if (onLine) {
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        onLine(line);
      }
    });
  }
  // A kill can close stdin while we write to it; the exit is what counts, not that error.
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', () => resolve({ code: null, signal: null }));
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    process: child,
    exited,
    stderrTail: () => stderr,
    isRunning: () => child.exitCode === null && child.signalCode === null,
  };
}

export async function sigkill(child: Child): Promise<Exit> {
  if (child.isRunning()) child.process.kill('SIGKILL');
  return child.exited;
}

/** SIGTERM (a clean stop), then SIGKILL if the child is still there after `graceMs`. */
export function terminate(child: Child, graceMs = 10_000): Promise<Exit> {
  return stopGracefully(child.process, child.exited, graceMs);
}

/** Kill every child still running: the soak must end by itself, also when it fails. */
export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}
