// Debian's tinyproxy as a real forward proxy on 127.0.0.1, started by a test with a generated
// configuration (optionally with Basic authentication, or denying this client), stopped by it.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../../helpers/agent.js';

export interface Tinyproxy {
  /** http://127.0.0.1:PORT (no credentials). */
  url: string;
  port: number;
  /** Every CONNECT and request line tinyproxy logged so far. */
  requests(): string[];
  close(): Promise<void>;
}

export interface TinyproxyOptions {
  auth?: { user: string; password: string };
  /** Answer every client with tinyproxy's 403 page ("Access denied"). */
  denyAll?: boolean;
}

export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  const port = await freePort();
  const dir = tempDir('varsync-tinyproxy-');
  const config = join(dir, 'tinyproxy.conf');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      'MaxClients 50',
      // Allow lists decide who may use the proxy; an address that matches nothing is refused with 403.
      options.denyAll ? 'Allow 192.0.2.1' : 'Allow 127.0.0.1',
      'LogLevel Connect',
      'DisableViaHeader Yes',
      ...(options.auth ? [`BasicAuth ${options.auth.user} ${options.auth.password}`] : []),
      '',
    ].join('\n'),
  );
  const child = spawn('tinyproxy', ['-d', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await listening(port, child, () => log);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => [...log.matchAll(/Request \(file descriptor \d+\): (.*)$/gm)].map((match) => match[1]!),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function listening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited (${child.exitCode}): ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`tinyproxy did not listen on ${port}: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
