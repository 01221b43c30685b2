// The agent's change events for the page the headless daemon serves: one text/event-stream
// (`GET /api/events`, read with fetch so that it can carry the Bearer header) shared by every
// listener, reopened after a drop, and the parser of its format. A `changes` event carries the
// changes (a ChangesPush) for the page to apply without asking; a bare `change` says to ask. Runs
// without a DOM.
import type { ChangesPush } from '../../shared/agent-api.js';
import { isChangesPush } from '../../shared/changes-push.js';

/** The part of a response body's reader this uses (a ReadableStream's default reader). */
export interface BodyReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

/** The part of the event stream's response this uses. */
export interface StreamResponse {
  ok: boolean;
  status: number;
  body?: { getReader(): BodyReaderLike } | null;
}

/**
 * One event stream (`GET /api/events`, read with fetch) shared by every listener, opened on the
 * first subscription and closed after the last. Every (re)connection counts as a change, since
 * events may have been missed while away. Like EventSource: a dropped stream is reopened after the
 * agent's `retry:` delay; unlike it, a refused one (401, 503) is also tried again, after longer.
 */
export class ChangeStream {
  /** Ends the current stream (or its pending request); null when none is open. */
  private controller: AbortController | null = null;
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelayMs: number;
  private connected = true; // optimistic until the first failure: no "lost contact" flash on load
  private readonly changeListeners = new Set<(push: ChangesPush | null) => void>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();

  constructor(
    private readonly open: (signal: AbortSignal) => Promise<StreamResponse>,
    private readonly delays: { reopenDelayMs: number; retryDelayMs: number },
  ) {
    this.retryDelayMs = delays.retryDelayMs;
  }

  onChange(listener: (push: ChangesPush | null) => void): () => void {
    this.changeListeners.add(listener);
    this.start();
    return () => {
      this.changeListeners.delete(listener);
      if (this.changeListeners.size === 0) this.stop();
    };
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  private start(): void {
    if (this.controller || this.reopenTimer) return;
    const controller = new AbortController();
    this.controller = controller;
    void this.run(controller);
  }

  /** One connection, from request to end; then a retry is scheduled unless it was stopped. */
  private async run(controller: AbortController): Promise<void> {
    const current = () => this.controller === controller && !controller.signal.aborted;
    let response: StreamResponse;
    try {
      response = await this.open(controller.signal);
    } catch {
      if (current()) this.retryLater(this.retryDelayMs);
      return;
    }
    if (!current()) return;
    const reader = response.ok && response.status === 200 ? response.body?.getReader() : undefined;
    if (!reader) {
      this.retryLater(this.delays.reopenDelayMs);
      return;
    }
    controller.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
    this.setConnected(true);
    this.emitChange(null);
    const parser = new EventStreamParser({
      onEvent: (type, data) => {
        if (type === 'changes') this.emitChange(pushIn(data));
        else if (type === 'change') this.emitChange(null);
      },
      onRetry: (delayMs) => (this.retryDelayMs = delayMs),
    });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || !current()) break;
        if (value) parser.push(value);
      }
    } catch {
      // A dropped connection, or our own abort: told apart below.
    }
    if (current()) this.retryLater(this.retryDelayMs);
  }

  private retryLater(delayMs: number): void {
    this.controller = null;
    this.setConnected(false);
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      if (this.changeListeners.size > 0) this.start();
    }, delayMs);
  }

  private stop(): void {
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    this.controller?.abort();
    this.controller = null;
  }

  private emitChange(push: ChangesPush | null): void {
    for (const listener of [...this.changeListeners]) listener(push);
  }

  private setConnected(connected: boolean): void {
    if (connected === this.connected) return;
    this.connected = connected;
    for (const listener of [...this.connectionListeners]) listener(connected);
  }
}

/** A `changes` event's data as a push; null (so the page asks instead) when it is not one. */
function pushIn(data: string): ChangesPush | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  return isChangesPush(value) ? value : null;
}

/**
 * The text/event-stream format, as far as this page needs it: `event:`, `data:` and `retry:`
 * fields, comment lines, and a blank line ending an event. Chunks may split lines, and UTF-8
 * characters, anywhere. Lines end in "\n" or "\r\n" (the agent sends "\n").
 */
export class EventStreamParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private type = '';
  private data: string[] = [];
  private hasFields = false;

  constructor(
    private readonly handlers: { onEvent(type: string, data: string): void; onRetry(delayMs: number): void },
  ) {}

  push(chunk: Uint8Array): void {
    const text = this.decoder.decode(chunk, { stream: true });
    this.buffer += text;
    // A long `data:` line comes in many chunks: split only when one ends a line.
    if (!text.includes('\n')) return;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? ''; // not ended yet
    for (const line of lines) this.line(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.hasFields) this.handlers.onEvent(this.type || 'message', this.data.join('\n'));
      this.type = '';
      this.data = [];
      this.hasFields = false;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') {
      this.type = value;
      this.hasFields = true;
    } else if (field === 'data') {
      this.data.push(value);
      this.hasFields = true;
    } else if (field === 'retry' && /^\d+$/.test(value)) this.handlers.onRetry(Number(value));
  }
}
