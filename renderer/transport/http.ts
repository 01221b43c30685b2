// The AgentApi over same-origin HTTP and server-sent events, for the page the headless daemon
// serves on loopback. Every request carries the run's token as `Authorization: Bearer` (see
// token.ts for where it comes from); no cookie is involved. The event stream is read with fetch,
// not EventSource, because EventSource cannot send that header.
// fetch is passed in so this file runs (and is tested) without a DOM. The event stream itself is
// change-stream.ts.
import type {
  AgentApi,
  AttemptLogView,
  AttemptView,
  DeadLetterView,
  StatusView,
  ChangesView,
  FirstScreenView,
  SyncResultView,
} from '../../shared/agent-api.js';
import { API_BASE, EVENTS_ROUTE, HTTP_ROUTES, type HttpRoute } from '../../shared/http-routes.js';
import type { NetworkCheckView } from '../../shared/network-check.js';
import type { VariableView } from '../../shared/variables.js';
import { ChangeStream, type BodyReaderLike } from './change-stream.js';
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
  /** This page's name for the agent (random unless given), on getChanges and the event stream. */
  pageName?: string;
}

/** A random name for this page: the agent pushes it the changes since its own last answer. */
function randomPageName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
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
  const base = options.apiBase ?? API_BASE;
  const authorization = `Bearer ${options.token}`;
  const page = options.pageName ?? randomPageName();
  const openStream = (signal: AbortSignal) =>
    options.fetch(`${base}${EVENTS_ROUTE.path}?page=${page}`, {
      method: EVENTS_ROUTE.method,
      headers: { Accept: 'text/event-stream', Authorization: authorization },
      credentials: 'omit',
      cache: 'no-store',
      signal,
    });
  const changes = new ChangeStream(openStream, {
    reopenDelayMs: options.reopenDelayMs ?? 5_000,
    retryDelayMs: options.retryDelayMs ?? 2_000,
  });

  async function request({ method, path }: HttpRoute, body?: object): Promise<unknown> {
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

  async function count(route: HttpRoute, names: string[] | undefined): Promise<number> {
    const answer = await request(route, names ? { names } : {});
    const value = isObject(answer) ? answer['count'] : undefined;
    if (typeof value !== 'number')
      throw new AgentRequestError(`The agent's answer to ${base}${route.path} has no count.`, 200);
    return value;
  }

  const api: AgentApi = {
    getStatus: async () => expectObject<StatusView>(await request(HTTP_ROUTES.getStatus), HTTP_ROUTES.getStatus),
    getVariables: async () =>
      expectArray<VariableView>(await request(HTTP_ROUTES.getVariables), HTTP_ROUTES.getVariables),
    getChanges: async (since) =>
      expectObject<ChangesView>(await request(HTTP_ROUTES.getChanges, { since, page }), HTTP_ROUTES.getChanges),
    getFirstScreen: async (rows) =>
      expectObject<FirstScreenView>(await request(HTTP_ROUTES.getFirstScreen, { rows }), HTTP_ROUTES.getFirstScreen),
    getDeadLetters: async () =>
      expectArray<DeadLetterView>(await request(HTTP_ROUTES.getDeadLetters), HTTP_ROUTES.getDeadLetters),
    syncNow: async () => expectObject<SyncResultView>(await request(HTTP_ROUTES.syncNow), HTTP_ROUTES.syncNow),
    pause: async () => {
      await request(HTTP_ROUTES.pause);
    },
    resume: async () => {
      await request(HTTP_ROUTES.resume);
    },
    retryDeadLetters: (names) => count(HTTP_ROUTES.retryDeadLetters, names),
    discardDeadLetters: (names) => count(HTTP_ROUTES.discardDeadLetters, names),
    getActivity: async () => expectArray<AttemptView>(await request(HTTP_ROUTES.getActivity), HTTP_ROUTES.getActivity),
    getAttemptLog: async (correlationId) =>
      expectObject<AttemptLogView>(
        await request(HTTP_ROUTES.getAttemptLog, { correlationId }),
        HTTP_ROUTES.getAttemptLog,
      ),
    checkNetwork: async () =>
      expectObject<NetworkCheckView>(await request(HTTP_ROUTES.checkNetwork), HTTP_ROUTES.checkNetwork),
    // A browser page cannot open a folder on the machine; the button is hidden (canOpenLogsFolder).
    openLogsFolder: async () => false,
    onChange: (listener) => changes.onChange(listener),
  };

  function expectObject<T>(value: unknown, { path }: HttpRoute): T {
    if (!isObject(value))
      throw new AgentRequestError(`The agent's answer to ${base}${path} is not what this page expects.`, 200);
    return value as T;
  }

  function expectArray<T>(value: unknown, { path }: HttpRoute): T[] {
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
