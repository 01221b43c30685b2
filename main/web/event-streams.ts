// The status page's server-sent events: at most 16 open streams, one `changes` event per burst of
// the agent's changes (coalesced per 100 ms) carrying what changed since the previous event on that
// stream (core/change-push.ts), so that the page applies it without asking; and a keep-alive
// comment every 15 s so that proxies and browsers keep the stream open.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Agent } from '../core/agent.js';
import type { ChangeFeed } from '../core/change-feed.js';
import { ChangePusher, onChangeBursts } from '../core/change-push.js';
import { HttpError } from './http-io.js';

const MAX_EVENT_STREAMS = 16;
const HEARTBEAT_MS = 15_000;

export class EventStreams {
  private readonly streams = new Map<ServerResponse, ChangePusher>();
  private readonly stopPushing: () => void;
  private readonly heartbeat: NodeJS.Timeout;

  /** `feed` is the one the page's own requests are answered from: their cursors must agree. */
  constructor(
    agent: Pick<Agent, 'on' | 'off'>,
    private readonly feed: ChangeFeed,
  ) {
    this.stopPushing = onChangeBursts(agent, () => this.push());
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), HEARTBEAT_MS);
  }

  open(req: IncomingMessage, res: ServerResponse): void {
    if (this.streams.size >= MAX_EVENT_STREAMS) throw new HttpError(503, 'too many open status pages');
    const pusher = new ChangePusher(this.feed);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    this.streams.set(res, pusher);
    req.on('close', () => this.streams.delete(res));
  }

  /** Stop listening and timing, and end every open stream. */
  close(): void {
    this.stopPushing();
    clearInterval(this.heartbeat);
    for (const stream of this.streams.keys()) stream.end();
  }

  private push(): void {
    // JSON has no raw line breaks, so each push is one `data:` line. The bare `change` is for a page
    // loaded before pushes existed (a tab left open across an upgrade): it asks, as it did.
    for (const [stream, pusher] of this.streams)
      stream.write(`event: changes\ndata: ${JSON.stringify(pusher.next())}\n\nevent: change\ndata: {}\n\n`);
  }

  private broadcast(text: string): void {
    for (const stream of this.streams.keys()) stream.write(text);
  }
}
