// The headless daemon (`varsync run --ui`) as a child process, as users start it: its output
// collected, its status page address and token read from what it printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { findStatusUrl, tokenOfStatusUrl } from '../../main/web/status-url.js';
import { eventually } from './agent.js';
import { rawRequest } from './http.js';

export interface DaemonProcess {
  child: ChildProcess;
  /** The printed status page address (the token in its fragment). */
  url: string;
  origin: string;
  token: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** GET /api/status from the daemon's own status server (its in-memory view). */
  status(): Promise<
    Record<string, unknown> & {
      state: string;
      pending: number;
      lastError: { kind: string; code: string; message: string } | null;
      explanation: { reason: string; action: string } | null;
    }
  >;
  /** SIGTERM (a clean stop); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Start it with `env` on top of this process's; resolves once the engine runs and the status page is printed. */
export async function startDaemon(env: NodeJS.ProcessEnv): Promise<DaemonProcess> {
  if (env.XDG_STATE_HOME) mkdirSync(env.XDG_STATE_HOME, { recursive: true });
  const child = spawn(process.execPath, ['bin/varsync.mjs', 'run', '--ui'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await eventually(
    () => output,
    (text) => (findStatusUrl(text) !== undefined && text.includes('sync engine started')) || child.exitCode !== null,
    20_000,
  );
  if (child.exitCode !== null) throw new Error(`the daemon exited: ${output}`);
  const url = findStatusUrl(output)!;
  const { origin } = new URL(url);
  const token = tokenOfStatusUrl(url);
  if (!token) throw new Error(`no token in the status page URL: ${origin}`);
  return {
    child,
    url,
    origin,
    token,
    output: () => output,
    status: async () => {
      const answer = await rawRequest(`${origin}/api/status`, { headers: { authorization: `Bearer ${token}` } });
      if (answer.status !== 200) throw new Error(`status answered ${answer.status}: ${answer.body}`);
      return answer.json() as Awaited<ReturnType<DaemonProcess['status']>>;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
