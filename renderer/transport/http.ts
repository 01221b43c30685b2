// The AgentApi over same-origin HTTP and server-sent events, for the page the headless daemon
// serves on loopback. Every request carries the run's token as `Authorization: Bearer` (see
// token.ts for where it comes from); no cookie is involved. The event stream is read with fetch,
// not EventSource, because EventSource cannot send that header.
// fetch is passed in so this file runs (and is tested) without a DOM.
import type {
  AgentApi,
  AttemptLogView,
  AttemptView,
  DeadLetterView,
  StatusView,
  SyncResultView,
} from '../../shared/agent-api.js';
import type { VariableView } from '../../shared/variables.js';
import type { Transport } from './transport.js';

export interface FetchInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Nothing ambient: the Bearer header is the only credential. */
  credentials: 'omit';
  cache: 'no-store';
  /** Set on the event stream's request, to end it. */
  signal?: AbortSignal;
}

/** The part of a response body's reader this uses (a ReadableStream's default reader). */
export interface BodyReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

export interface FetchResponse {
  ok: boolean;
  status: number;
  statusText: string;
  json(): Promise<unknown>;
  /** Only read for the event stream. */
  body?: { getReader(): BodyReaderLike } | null;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

export interface HttpTransportOptions {
  fetch: FetchLike;
  /** This run's token, sent as `Authorization: Bearer` on every request. */
  token: string;
  /** Where the API lives on this origin. */
  apiBase?: string;
  /** How long to wait before reopening an event stream the agent refused (an error status). */
  reopenDelayMs?: number;
  /** How long to wait after a dropped event stream until the agent says otherwise (its `retry:` field). */
  retryDelayMs?: number;
}

/** A request the agent refused or that never reached it; `message` is meant for people. */
export class AgentRequestError extends Error {
  override readonly name = 'AgentRequestError';
  constructor(
    message: string,
    /** The HTTP status, or 0 when there was no answer. */
    readonly status: number,
  ) {
    super(message);
  }
}

export function createHttpTransport(options: HttpTransportOptions): Transport {
  const base = options.apiBase ?? '/api';
  const authorization = `Bearer ${options.token}`;
  const openStream = (signal: AbortSignal) =>
    options.fetch(`${base}/events`, {
      method: 'GET',
      headers: { Accept: 'text/event-stream', Authorization: authorization },
      credentials: 'omit',
      cache: 'no-store',
      signal,
    });
  const changes = new ChangeStream(openStream, {
    reopenDelayMs: options.reopenDelayMs ?? 5_000,
    retryDelayMs: options.retryDelayMs ?? 2_000,
  });

  async function request(method: 'GET' | 'POST', path: string, body?: object): Promise<unknown> {
    const init: FetchInit = {
      method,
      headers: { Accept: 'application/json', Authorization: authorization },
      credentials: 'omit',
      cache: 'no-store',
    };
    if (method === 'POST') {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body ?? {});
    }
    let response: FetchResponse;
    try {
      response = await options.fetch(`${base}${path}`, init);
    } catch {
      throw new AgentRequestError(
        'Cannot reach the Varsync agent. Check that it is still running, then reload this page.',
        0,
      );
    }
    if (!response.ok) throw new AgentRequestError(await errorText(response), response.status);
    if (response.status === 204) return undefined;
    try {
      return await response.json();
    } catch {
      throw new AgentRequestError(
        `The agent sent an answer this page cannot read (${method} ${base}${path}).`,
        response.status,
      );
    }
  }

  async function count(path: string, names: string[] | undefined): Promise<number> {
    const answer = await request('POST', path, names ? { names } : {});
    const value = isObject(answer) ? answer['count'] : undefined;
    if (typeof value !== 'number')
      throw new AgentRequestError(`The agent's answer to ${base}${path} has no count.`, 200);
    return value;
  }

  const api: AgentApi = {
    getStatus: async () => expectObject<StatusView>(await request('GET', '/status'), '/status'),
    getVariables: async () => expectArray<VariableView>(await request('GET', '/variables'), '/variables'),
    getDeadLetters: async () => expectArray<DeadLetterView>(await request('GET', '/dead-letters'), '/dead-letters'),
    syncNow: async () => expectObject<SyncResultView>(await request('POST', '/sync'), '/sync'),
    pause: async () => {
      await request('POST', '/pause');
    },
    resume: async () => {
      await request('POST', '/resume');
    },
    retryDeadLetters: (names) => count('/dead-letters/retry', names),
    discardDeadLetters: (names) => count('/dead-letters/discard', names),
    getActivity: async () => expectArray<AttemptView>(await request('GET', '/activity'), '/activity'),
    getAttemptLog: async (correlationId) =>
      expectObject<AttemptLogView>(await request('POST', '/activity/log', { correlationId }), '/activity/log'),
    // A browser page cannot open a folder on the machine; the button is hidden (canOpenLogsFolder).
    openLogsFolder: async () => false,
    onChange: (listener) => changes.onChange(listener),
  };

  function expectObject<T>(value: unknown, path: string): T {
    if (!isObject(value))
      throw new AgentRequestError(`The agent's answer to ${base}${path} is not what this page expects.`, 200);
    return value as T;
  }

  function expectArray<T>(value: unknown, path: string): T[] {
    if (!Array.isArray(value)) throw new AgentRequestError(`The agent's answer to ${base}${path} is not a list.`, 200);
    return value as T[];
  }

  return {
    kind: 'http',
    api,
    canOpenLogsFolder: false,
    onConnectionChange: (listener) => changes.onConnection(listener),
  };
}

async function errorText(response: FetchResponse): Promise<string> {
  try {
    const body = await response.json();
    if (isObject(body) && typeof body['error'] === 'string' && body['error'].trim() !== '') return body['error'];
  } catch {
    // Not JSON: fall through to the status line.
  }
  return `The agent answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One event stream (`GET /api/events`, read with fetch) shared by every listener, opened on the
 * first subscription and closed after the last. Every (re)connection counts as a change, since
 * events may have been missed while away. Like EventSource: a dropped stream is reopened after the
 * agent's `retry:` delay; unlike it, a refused one (401, 503) is also tried again, after longer.
 */
class ChangeStream {
  /** Ends the current stream (or its pending request); null when none is open. */
  private controller: AbortController | null = null;
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelayMs: number;
  private connected = true; // optimistic until the first failure: no "lost contact" flash on load
  private readonly changeListeners = new Set<() => void>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();

  constructor(
    private readonly open: (signal: AbortSignal) => Promise<FetchResponse>,
    private readonly delays: { reopenDelayMs: number; retryDelayMs: number },
  ) {
    this.retryDelayMs = delays.retryDelayMs;
  }

  onChange(listener: () => void): () => void {
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
    let response: FetchResponse;
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
    this.emitChange();
    const parser = new EventStreamParser({
      onEvent: (type) => {
        if (type === 'change') this.emitChange();
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

  private emitChange(): void {
    for (const listener of [...this.changeListeners]) listener();
  }

  private setConnected(connected: boolean): void {
    if (connected === this.connected) return;
    this.connected = connected;
    for (const listener of [...this.connectionListeners]) listener(connected);
  }
}

/**
 * The text/event-stream format, as far as this page needs it: `event:`, `data:` and `retry:`
 * fields, comment lines, and a blank line ending an event (a change's data is not used). Chunks may
 * split lines, and UTF-8 characters, anywhere. Lines end in "\n" or "\r\n" (the agent sends "\n").
 */
export class EventStreamParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private type = '';
  private hasFields = false;

  constructor(private readonly handlers: { onEvent(type: string): void; onRetry(delayMs: number): void }) {}

  push(chunk: Uint8Array): void {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? ''; // not ended yet
    for (const line of lines) this.line(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.hasFields) this.handlers.onEvent(this.type || 'message');
      this.type = '';
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
    } else if (field === 'data') this.hasFields = true;
    else if (field === 'retry' && /^\d+$/.test(value)) this.handlers.onRetry(Number(value));
  }
}
