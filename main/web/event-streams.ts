// The status page's server-sent events: at most 16 open streams, one `change` event per burst of
// the agent's changes (coalesced per 100 ms; the page refetches on each), and a keep-alive comment
// every 15 s so that proxies and browsers keep the stream open.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Agent } from '../core/agent.js';
import { HttpError } from './http-io.js';

const MAX_EVENT_STREAMS = 16;
const HEARTBEAT_MS = 15_000;
const CHANGE_COALESCE_MS = 100;

export class EventStreams {
  private readonly streams = new Set<ServerResponse>();
  private pendingChange: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly agent: Pick<Agent, 'on' | 'off'>) {
    agent.on('change', this.onChange);
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), HEARTBEAT_MS);
  }

  open(req: IncomingMessage, res: ServerResponse): void {
    if (this.streams.size >= MAX_EVENT_STREAMS) throw new HttpError(503, 'too many open status pages');
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
  }

  /** Stop listening and timing, and end every open stream. */
  close(): void {
    this.agent.off('change', this.onChange);
    clearInterval(this.heartbeat);
    clearTimeout(this.pendingChange);
    for (const stream of this.streams) stream.end();
  }

  private readonly onChange = (): void => {
    this.pendingChange ??= setTimeout(() => {
      this.pendingChange = undefined;
      this.broadcast('event: change\ndata: {}\n\n');
    }, CHANGE_COALESCE_MS);
  };

  private broadcast(text: string): void {
    for (const stream of this.streams) stream.write(text);
  }
}
