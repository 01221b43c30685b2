// The AgentApi over same-origin HTTP and server-sent events, for the page the headless daemon
// serves on loopback. The daemon has already set an HttpOnly cookie, so fetch (credentials
// 'same-origin') and EventSource carry it; the page never sees a secret.
// fetch and EventSource are passed in so this file runs (and is tested) without a DOM.
import type { AgentApi, DeadLetterView, StatusView, SyncResultView } from '../../shared/agent-api.js';
import type { VariableView } from '../../shared/variables.js';
import type { Transport } from './transport.js';

export interface FetchInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  credentials: 'same-origin';
  cache: 'no-store';
}

export interface FetchResponse {
  ok: boolean;
  status: number;
  statusText: string;
  json(): Promise<unknown>;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** The part of the browser's EventSource this uses. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: () => void): void;
  close(): void;
}

export interface HttpTransportOptions {
  fetch: FetchLike;
  openEventSource: (url: string) => EventSourceLike;
  /** Where the API lives on this origin. */
  apiBase?: string;
  /** How long to wait before reopening an event stream the browser gave up on (it retries network drops itself). */
  reopenDelayMs?: number;
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

const EVENT_SOURCE_CLOSED = 2;

export function createHttpTransport(options: HttpTransportOptions): Transport {
  const base = options.apiBase ?? '/api';
  const changes = new ChangeStream(() => options.openEventSource(`${base}/events`), options.reopenDelayMs ?? 5_000);

  async function request(method: 'GET' | 'POST', path: string, body?: object): Promise<unknown> {
    const init: FetchInit = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' };
    if (method === 'POST') {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body ?? {});
    }
    let response: FetchResponse;
    try {
      response = await options.fetch(`${base}${path}`, init);
    } catch {
      throw new AgentRequestError('Cannot reach the Varsync agent. Check that it is still running, then reload this page.', 0);
    }
    if (!response.ok) throw new AgentRequestError(await errorText(response), response.status);
    if (response.status === 204) return undefined;
    try {
      return await response.json();
    } catch {
      throw new AgentRequestError(`The agent sent an answer this page cannot read (${method} ${base}${path}).`, response.status);
    }
  }

  async function count(path: string, names: string[] | undefined): Promise<number> {
    const answer = await request('POST', path, names ? { names } : {});
    const value = isObject(answer) ? answer['count'] : undefined;
    if (typeof value !== 'number') throw new AgentRequestError(`The agent's answer to ${base}${path} has no count.`, 200);
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
    // A browser page cannot open a folder on the machine; the button is hidden (canOpenLogsFolder).
    openLogsFolder: async () => false,
    onChange: (listener) => changes.onChange(listener),
  };

  function expectObject<T>(value: unknown, path: string): T {
    if (!isObject(value)) throw new AgentRequestError(`The agent's answer to ${base}${path} is not what this page expects.`, 200);
    return value as T;
  }

  function expectArray<T>(value: unknown, path: string): T[] {
    if (!Array.isArray(value)) throw new AgentRequestError(`The agent's answer to ${base}${path} is not a list.`, 200);
    return value as T[];
  }

  return { kind: 'http', api, canOpenLogsFolder: false, onConnectionChange: (listener) => changes.onConnection(listener) };
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
 * One EventSource shared by every listener, opened on the first subscription and closed after the
 * last. Every (re)connection counts as a change, since events may have been missed while away.
 */
class ChangeStream {
  private source: EventSourceLike | null = null;
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private connected = true; // optimistic until the first error: no "lost contact" flash on load
  private readonly changeListeners = new Set<() => void>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();

  constructor(
    private readonly open: () => EventSourceLike,
    private readonly reopenDelayMs: number,
  ) {}

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
    if (this.source || this.reopenTimer) return;
    const source = this.open();
    this.source = source;
    source.addEventListener('open', () => {
      this.setConnected(true);
      this.emitChange();
    });
    source.addEventListener('change', () => this.emitChange());
    source.addEventListener('error', () => {
      this.setConnected(false);
      // CONNECTING: the browser retries by itself. CLOSED: it gave up (an error status, say); try again later.
      if (source.readyState !== EVENT_SOURCE_CLOSED || this.source !== source) return;
      source.close();
      this.source = null;
      this.reopenTimer = setTimeout(() => {
        this.reopenTimer = null;
        if (this.changeListeners.size > 0) this.start();
      }, this.reopenDelayMs);
    });
  }

  private stop(): void {
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    this.source?.close();
    this.source = null;
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
