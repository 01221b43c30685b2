// A loopback server that answers each request with the next scripted answer, byte for byte:
// any status line, headers and body (framing included), or a connection closed, reset or left
// hanging. One request per connection; it closes after answering.
import { createServer, type Server, type Socket } from 'node:net';

/** `bytes` are latin1 text (one character per byte), so a failing case prints readably. */
export type ScriptedAnswer =
  | { kind: 'bytes'; bytes: string; /** Send in two writes this many ms apart. */ splitAfterMs?: number }
  | { kind: 'close' }
  | { kind: 'reset' }
  | { kind: 'partial'; bytes: string }
  | { kind: 'stall' };

export class ScriptedServer {
  /** Answers for the next requests, in order; the last one repeats. */
  private script: ScriptedAnswer[] = [];
  /** Request lines seen since the script was last set ("POST /api/v4/track_device_variables"). */
  readonly requests: string[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private next = 0;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  play(script: ScriptedAnswer[]): void {
    this.script = script;
    this.next = 0;
    this.requests.length = 0;
  }

  async start(): Promise<void> {
    this.server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {}); // the client may go away first; that is its business
    let received = Buffer.alloc(0);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      received = Buffer.concat([received, chunk]);
      const head = received.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head.slice(0, end))?.[1] ?? 0);
      if (received.length < end + 4 + length) return;
      answered = true;
      this.requests.push(head.slice(0, head.indexOf(' HTTP/')));
      this.answer(socket, this.script[Math.min(this.next++, this.script.length - 1)] ?? { kind: 'close' });
    });
  }

  private answer(socket: Socket, answer: ScriptedAnswer): void {
    switch (answer.kind) {
      case 'bytes': {
        const bytes = Buffer.from(answer.bytes, 'latin1');
        if (answer.splitAfterMs === undefined) {
          socket.end(bytes);
        } else {
          const middle = Math.floor(bytes.length / 2);
          socket.write(bytes.subarray(0, middle));
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            if (!socket.destroyed) socket.end(bytes.subarray(middle));
          }, answer.splitAfterMs);
          this.timers.add(timer);
        }
        return;
      }
      case 'close':
        socket.end();
        return;
      case 'reset':
        socket.resetAndDestroy();
        return;
      case 'partial': {
        const bytes = Buffer.from(answer.bytes, 'latin1');
        socket.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), () => socket.destroy());
        return;
      }
      case 'stall':
        return; // the client's timeout must end it
    }
  }
}
