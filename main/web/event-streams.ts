// The status page's server-sent events: at most 16 open streams, one event per burst of the agent's
// changes (coalesced per 100 ms), and a keep-alive comment every 15 s so that proxies and browsers
// keep the stream open. A page that names itself (`?page=`, the name it gives its getChanges calls)
// gets `changes` events carrying what changed since its last answer (core/change-push.ts), which it
// applies without asking; any other reader, or a page before its first answer, a bare `change`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Agent } from '../core/agent.js';
import type { ChangeFeed } from '../core/change-feed.js';
import { onChangeBursts } from '../core/change-push.js';
import { pageNameSchema } from '../../shared/ipc.js';
import { HttpError } from './http-io.js';

const MAX_EVENT_STREAMS = 16;
const HEARTBEAT_MS = 15_000;

export class EventStreams {
  /** Each open stream, with the page's name (null: a reader that gave none). */
  private readonly streams = new Map<ServerResponse, string | null>();
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

  open(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (this.streams.size >= MAX_EVENT_STREAMS) throw new HttpError(503, 'too many open status pages');
    const page = url.searchParams.get('page');
    if (page !== null && !pageNameSchema.safeParse(page).success)
      throw new HttpError(400, 'page must be 8 to 64 letters, digits, - or _');
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    this.streams.set(res, page);
    req.on('close', () => this.streams.delete(res));
  }

  /** Stop listening and timing, and end every open stream. */
  close(): void {
    this.stopPushing();
    clearInterval(this.heartbeat);
    for (const stream of this.streams.keys()) stream.end();
  }

  private push(): void {
    for (const [stream, page] of this.streams) {
      const push = page === null ? null : this.feed.pushFor(page);
      // JSON has no raw line breaks, so each push is one `data:` line.
      stream.write(push ? `event: changes\ndata: ${JSON.stringify(push)}\n\n` : 'event: change\ndata: {}\n\n');
    }
  }

  private broadcast(text: string): void {
    for (const stream of this.streams.keys()) stream.write(text);
  }
}
