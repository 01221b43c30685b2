// The window's logic that needs no browser: the HTTP/SSE transport (against fake fetch and
// EventSource), the coalesced refresher, and the words and times it shows. The page itself is
// exercised in a real browser (see the report in the renderer's commit).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatusView } from '../../shared/agent-api.js';
import type { VariableView } from '../../shared/variables.js';
import { createHttpTransport, type EventSourceLike, type FetchInit, type FetchResponse } from '../../renderer/transport/http.js';
import { isAgentApi } from '../../renderer/transport/ipc.js';
import { createRefresher } from '../../renderer/refresh.js';
import { describeError, filterVariables, formatAgo, formatCountdown, formatDuration } from '../../renderer/format.js';

interface Call {
  url: string;
  init: FetchInit;
}

function answer(status: number, body?: unknown, statusText = ''): FetchResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    json: async () => {
      if (body === undefined) throw new SyntaxError('Unexpected end of JSON input');
      return body;
    },
  };
}

class FakeEventSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  private readonly listeners = new Map<string, Array<() => void>>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: () => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  fire(type: string): void {
    if (type === 'open') this.readyState = 1;
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
}

function setup(respond: (call: Call) => FetchResponse | Promise<FetchResponse> = () => answer(200, {})) {
  const calls: Call[] = [];
  const sources: FakeEventSource[] = [];
  const transport = createHttpTransport({
    fetch: async (url, init) => {
      calls.push({ url, init });
      return respond({ url, init });
    },
    openEventSource: (url) => {
      const source = new FakeEventSource(url);
      sources.push(source);
      return source;
    },
    reopenDelayMs: 5_000,
  });
  return { transport, api: transport.api, calls, sources };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('HTTP transport', () => {
  it('reads with same-origin GETs and no body', async () => {
    const status = { state: 'synced', pending: 0 } as StatusView;
    const { api, calls } = setup(({ url }) => answer(200, url === '/api/status' ? status : []));
    expect(await api.getStatus()).toEqual(status);
    expect(await api.getVariables()).toEqual([]);
    expect(await api.getDeadLetters()).toEqual([]);
    expect(calls.map((call) => [call.init.method, call.url])).toEqual([
      ['GET', '/api/status'],
      ['GET', '/api/variables'],
      ['GET', '/api/dead-letters'],
    ]);
    for (const { init } of calls) {
      expect(init.credentials).toBe('same-origin');
      expect(init.body).toBeUndefined();
      expect(init.headers['Content-Type']).toBeUndefined();
    }
  });

  it('posts JSON bodies (at least {}) to the documented endpoints', async () => {
    const { api, calls } = setup(({ url }) =>
      url.includes('dead-letters') ? answer(200, { count: 2 }) : url.endsWith('/sync') ? answer(200, { outcome: 'drained', status: {} }) : answer(204),
    );
    expect(await api.retryDeadLetters(['a', 'b'])).toBe(2);
    expect(await api.discardDeadLetters()).toBe(2);
    expect((await api.syncNow()).outcome).toBe('drained');
    await api.pause();
    await api.resume();
    expect(calls.map((call) => [call.init.method, call.url, call.init.body, call.init.headers['Content-Type']])).toEqual([
      ['POST', '/api/dead-letters/retry', '{"names":["a","b"]}', 'application/json'],
      ['POST', '/api/dead-letters/discard', '{}', 'application/json'],
      ['POST', '/api/sync', '{}', 'application/json'],
      ['POST', '/api/pause', '{}', 'application/json'],
      ['POST', '/api/resume', '{}', 'application/json'],
    ]);
  });

  it("shows the agent's own error words, or the status line, or that it cannot be reached", async () => {
    let next: () => FetchResponse | Promise<FetchResponse> = () => answer(409, { error: 'Syncing is paused.' });
    const { api } = setup(() => next());
    await expect(api.syncNow()).rejects.toMatchObject({ name: 'AgentRequestError', message: 'Syncing is paused.', status: 409 });
    next = () => answer(502, undefined, 'Bad Gateway');
    await expect(api.getStatus()).rejects.toMatchObject({ message: 'The agent answered 502 Bad Gateway.', status: 502 });
    next = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(api.getVariables()).rejects.toMatchObject({ status: 0, message: expect.stringMatching(/^Cannot reach the Varsync agent/) });
    next = () => answer(200, { not: 'a list' });
    await expect(api.getVariables()).rejects.toMatchObject({ message: expect.stringContaining('not a list') });
    next = () => answer(200, {});
    await expect(api.retryDeadLetters()).rejects.toMatchObject({ message: expect.stringContaining('no count') });
  });

  it('cannot open the logs folder, and says so', async () => {
    const { transport, calls } = setup();
    expect(transport.canOpenLogsFolder).toBe(false);
    expect(await transport.api.openLogsFolder()).toBe(false);
    expect(calls).toEqual([]);
  });

  it('shares one event stream, counts every (re)connection as a change, and closes after the last listener', () => {
    const { api, sources } = setup();
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = api.onChange(first);
    const stopSecond = api.onChange(second);
    expect(sources.map((source) => source.url)).toEqual(['/api/events']);
    const source = sources[0]!;
    source.fire('open');
    source.fire('change');
    source.fire('change');
    expect(first).toHaveBeenCalledTimes(3);
    expect(second).toHaveBeenCalledTimes(3);
    stopFirst();
    expect(source.closed).toBe(false);
    stopSecond();
    expect(source.closed).toBe(true);
  });

  it('reports a lost stream, reopens one the browser gave up on, and refreshes when back', () => {
    vi.useFakeTimers();
    const { transport, sources } = setup();
    const changes = vi.fn();
    const connection = vi.fn();
    transport.onConnectionChange!(connection);
    transport.api.onChange(changes);
    sources[0]!.fire('open');
    // A dropped connection the browser retries by itself (still CONNECTING): no new stream.
    sources[0]!.readyState = 0;
    sources[0]!.fire('error');
    expect(connection).toHaveBeenLastCalledWith(false);
    expect(sources).toHaveLength(1);
    // A refused one (CLOSED): this transport opens a new stream after the delay.
    sources[0]!.readyState = 2;
    sources[0]!.fire('error');
    expect(sources[0]!.closed).toBe(true);
    vi.advanceTimersByTime(4_999);
    expect(sources).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sources).toHaveLength(2);
    changes.mockClear();
    sources[1]!.fire('open');
    expect(connection).toHaveBeenLastCalledWith(true);
    expect(changes).toHaveBeenCalledTimes(1);
  });
});

describe('the preload bridge check', () => {
  it('wants every AgentApi method', () => {
    const methods = ['getStatus', 'getVariables', 'getDeadLetters', 'syncNow', 'pause', 'resume', 'retryDeadLetters', 'discardDeadLetters', 'openLogsFolder', 'onChange'];
    const bridge = Object.fromEntries(methods.map((method) => [method, () => undefined]));
    expect(isAgentApi(bridge)).toBe(true);
    expect(isAgentApi({ ...bridge, onChange: undefined })).toBe(false);
    expect(isAgentApi(undefined)).toBe(false);
  });
});

describe('coalesced refresh', () => {
  function deferredRuns() {
    const pending: Array<() => void> = [];
    const run = vi.fn(() => new Promise<void>((resolve) => pending.push(resolve)));
    return { run, finish: async () => {
      pending.shift()!();
      await vi.advanceTimersByTimeAsync(0);
    } };
  }

  it('starts at once, folds a burst during a refresh into one more, and keeps a 1 s gap', async () => {
    vi.useFakeTimers();
    const { run, finish } = deferredRuns();
    const refresher = createRefresher(run, 1_000);
    refresher.request();
    expect(run).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 20; i++) refresher.request();
    expect(run).toHaveBeenCalledTimes(1);
    await finish();
    // The burst is owed one refresh, but not sooner than 1 s after the last one started.
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(run).toHaveBeenCalledTimes(2);
    await finish();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(run).toHaveBeenCalledTimes(2);
    refresher.dispose();
  });

  it('refreshes now after the one in flight, for the user', async () => {
    vi.useFakeTimers();
    const { run, finish } = deferredRuns();
    const refresher = createRefresher(run, 1_000);
    refresher.request();
    const done = refresher.now();
    expect(run).toHaveBeenCalledTimes(1);
    await finish();
    expect(run).toHaveBeenCalledTimes(2);
    await finish();
    await done;
    refresher.dispose();
    refresher.request();
    expect(run).toHaveBeenCalledTimes(2);
  });
});

describe('words and times', () => {
  it('counts down and back in plain units', () => {
    expect(formatDuration(12)).toBe('12 s');
    expect(formatDuration(245)).toBe('4 min 5 s');
    expect(formatDuration(3_600)).toBe('1 h');
    expect(formatDuration(93_600)).toBe('1 d 2 h');
    expect(formatCountdown(10_500, 0)).toBe('in 11 s');
    expect(formatCountdown(0, 10)).toBe('any moment now');
    expect(formatAgo(0, 2_000)).toBe('just now');
    expect(formatAgo(0, 22 * 60_000 + 5_000)).toBe('22 min ago');
    expect(formatAgo(0, 2 * 86_400_000)).toBe('2 days ago');
  });

  it("keeps only the news from Electron's wrapped errors", () => {
    expect(describeError(new Error("Error invoking remote method 'agent:sync-now': Error: The database is locked."))).toBe('The database is locked.');
    expect(describeError(new Error('Plain words.'))).toBe('Plain words.');
    expect(describeError(undefined)).toMatch(/did not say what/);
  });

  it('filters by name, ignoring case and spaces, and by state', () => {
    const variable = (name: string, state: VariableView['state']): VariableView => ({ name, state, value: 1, type: 'number', updatedAt: '', syncedAt: null });
    const all = [variable('Seats', 'synced'), variable('beta', 'pending'), variable('seat-limit', 'failed')];
    expect(filterVariables(all, '  SEAT ').map((v) => v.name)).toEqual(['Seats', 'seat-limit']);
    expect(filterVariables(all, 'seat', 'failed').map((v) => v.name)).toEqual(['seat-limit']);
    expect(filterVariables(all, '')).toHaveLength(3);
  });
});
