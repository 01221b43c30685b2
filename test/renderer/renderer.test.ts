// The window's logic that needs no browser: the HTTP transport and its fetch-read event stream
// (against a fake fetch), the token taken from the URL's fragment, the coalesced refresher, and the
// words and times it shows. The page itself runs in Chromium in e2e/status-page.e2e.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatusView } from '../../shared/agent-api.js';
import type { VariableView } from '../../shared/variables.js';
import { createHttpTransport, type FetchInit, type FetchResponse } from '../../renderer/transport/http.js';
import { EventStreamParser, type BodyReaderLike } from '../../renderer/transport/change-stream.js';
import { isAgentApi } from '../../renderer/transport/ipc.js';
import {
  MissingTokenError,
  NO_TOKEN_MESSAGE,
  takeToken,
  TOKEN_STORAGE_KEY,
  type StorageLike,
} from '../../renderer/transport/token.js';
import { createRefresher } from '../../renderer/refresh.js';
import { describeError } from '../../renderer/format.js';
import { filterVariables } from '../../renderer/variable-list.js';
import { english } from '../../shared/i18n/translator.js';
import { translatorFor } from '../../shared/i18n/languages.js';

const TOKEN = 'run-token-abc';
const PAGE = 'page-name-123';

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

/** A response body the test writes to as the agent would; aborting the request ends it as a browser does. */
class FakeStream {
  private readonly queue: Array<{ done: boolean; value?: Uint8Array } | Error> = [];
  private waiting: ((item: { done: boolean; value?: Uint8Array } | Error) => void) | null = null;
  cancelled = false;

  constructor(signal: AbortSignal | undefined) {
    signal?.addEventListener('abort', () => this.put(new DOMException('aborted', 'AbortError')));
  }

  write(text: string): void {
    this.put({ done: false, value: new TextEncoder().encode(text) });
  }

  end(): void {
    this.put({ done: true });
  }

  fail(): void {
    this.put(new TypeError('network error'));
  }

  private put(item: { done: boolean; value?: Uint8Array } | Error): void {
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting(item);
    } else this.queue.push(item);
  }

  reader(): BodyReaderLike {
    return {
      read: async () => {
        const item =
          this.queue.shift() ??
          (await new Promise<{ done: boolean; value?: Uint8Array } | Error>((resolve) => (this.waiting = resolve)));
        if (item instanceof Error) throw item;
        return item;
      },
      cancel: async () => {
        this.cancelled = true;
      },
    };
  }
}

function streamAnswer(stream: FakeStream): FetchResponse {
  return { ...answer(200), body: { getReader: () => stream.reader() } };
}

/** A transport whose event stream requests are answered by `openStream`: 'live' is a stream the test writes to. */
function setup(
  respond: (call: Call) => FetchResponse | Promise<FetchResponse> = () => answer(200, {}),
  openStream: () => 'live' | FetchResponse | Promise<FetchResponse> = () => 'live',
) {
  const calls: Call[] = [];
  const streams: Array<{ init: FetchInit; stream: FakeStream | undefined }> = [];
  const transport = createHttpTransport({
    token: TOKEN,
    fetch: async (url, init) => {
      calls.push({ url, init });
      if (url !== `/api/events?page=${PAGE}`) return respond({ url, init });
      const entry: { init: FetchInit; stream: FakeStream | undefined } = { init, stream: undefined };
      streams.push(entry);
      const response = await openStream();
      return response === 'live' ? streamAnswer((entry.stream = new FakeStream(init.signal))) : response;
    },
    reopenDelayMs: 5_000,
    retryDelayMs: 2_000,
    pageName: PAGE,
  });
  return { transport, api: transport.api, calls, streams };
}

/** Let the stream's promises settle (fake timers hold nothing but timers). */
const settle = () => vi.advanceTimersByTimeAsync(0);

afterEach(() => {
  vi.useRealTimers();
});

describe('HTTP transport', () => {
  it('reads with GETs that carry the Bearer token and nothing ambient (no cookies), and no body', async () => {
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
      expect(init.headers.Authorization).toBe(`Bearer ${TOKEN}`);
      expect(init.credentials).toBe('omit');
      expect(init.body).toBeUndefined();
      expect(init.headers['Content-Type']).toBeUndefined();
    }
  });

  it('posts JSON bodies (at least {}) with the token to the documented endpoints', async () => {
    const { api, calls } = setup(({ url }) =>
      url.includes('dead-letters')
        ? answer(200, { count: 2 })
        : url.endsWith('/sync')
          ? answer(200, { outcome: 'drained', status: {} })
          : url.endsWith('/changes')
            ? answer(200, { cursor: 'c1' })
            : url.endsWith('/first-screen')
              ? answer(200, { variables: { first: [], total: 0 } })
              : answer(204),
    );
    expect((await api.getFirstScreen(100)).variables.total).toBe(0);
    expect((await api.getChanges(null)).cursor).toBe('c1');
    expect((await api.getChanges('c1')).cursor).toBe('c1');
    expect(await api.retryDeadLetters(['a', 'b'])).toBe(2);
    expect(await api.discardDeadLetters()).toBe(2);
    expect((await api.syncNow()).outcome).toBe('drained');
    await api.pause();
    await api.resume();
    expect(
      calls.map((call) => [
        call.init.method,
        call.url,
        call.init.body,
        call.init.headers['Content-Type'],
        call.init.headers.Authorization,
      ]),
    ).toEqual([
      ['POST', '/api/first-screen', '{"rows":100}', 'application/json', `Bearer ${TOKEN}`],
      // With the page's name: what the agent pushes on its event stream follows on from these answers.
      ['POST', '/api/changes', `{"since":null,"page":"${PAGE}"}`, 'application/json', `Bearer ${TOKEN}`],
      ['POST', '/api/changes', `{"since":"c1","page":"${PAGE}"}`, 'application/json', `Bearer ${TOKEN}`],
      ['POST', '/api/dead-letters/retry', '{"names":["a","b"]}', 'application/json', `Bearer ${TOKEN}`],
      ['POST', '/api/dead-letters/discard', '{}', 'application/json', `Bearer ${TOKEN}`],
      ['POST', '/api/sync', '{}', 'application/json', `Bearer ${TOKEN}`],
      ['POST', '/api/pause', '{}', 'application/json', `Bearer ${TOKEN}`],
      ['POST', '/api/resume', '{}', 'application/json', `Bearer ${TOKEN}`],
    ]);
  });

  it("shows the agent's own error words, or the status line, or that it cannot be reached", async () => {
    let next: () => FetchResponse | Promise<FetchResponse> = () => answer(409, { error: 'Syncing is paused.' });
    const { api } = setup(() => next());
    await expect(api.syncNow()).rejects.toMatchObject({
      name: 'AgentRequestError',
      message: 'Syncing is paused.',
      status: 409,
    });
    next = () => answer(502, undefined, 'Bad Gateway');
    await expect(api.getStatus()).rejects.toMatchObject({
      message: 'The agent answered 502 Bad Gateway.',
      status: 502,
    });
    next = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(api.getVariables()).rejects.toMatchObject({
      status: 0,
      message: expect.stringMatching(/^Cannot reach the Varsync agent/),
    });
    next = () => answer(200, { not: 'a list' });
    await expect(api.getVariables()).rejects.toMatchObject({ message: expect.stringContaining('not a list') });
    next = () => answer(200, {});
    await expect(api.retryDeadLetters()).rejects.toMatchObject({ message: expect.stringContaining('no count') });
    next = () => answer(401, { error: 'missing or wrong token: open the URL that varsync run --ui printed' });
    await expect(api.getStatus()).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('open the URL that varsync run --ui printed'),
    });
  });

  it('cannot open the logs folder, and says so', async () => {
    const { transport, calls } = setup();
    expect(transport.canOpenLogsFolder).toBe(false);
    expect(await transport.api.openLogsFolder()).toBe(false);
    expect(calls).toEqual([]);
  });
});

describe('the event stream, read with fetch', () => {
  it('is one request with the Bearer token, shared by every listener; each connection and each changes event is a change, with its push', async () => {
    vi.useFakeTimers();
    const { api, streams } = setup();
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = api.onChange(first);
    const stopSecond = api.onChange(second);
    await settle();
    expect(streams).toHaveLength(1);
    const { init, stream } = streams[0]!;
    expect(init).toMatchObject({
      method: 'GET',
      credentials: 'omit',
      headers: { Accept: 'text/event-stream', Authorization: `Bearer ${TOKEN}` },
    });
    // Connected: events may have been missed before, so that is a change too (nothing pushed: ask).
    expect(first.mock.calls).toEqual([[null]]);
    stream!.write('retry: 2000\n\n: keep-alive\n\n');
    await settle();
    expect(first).toHaveBeenCalledTimes(1);
    // A changes event split across chunks anywhere (inside its data too), and one with CRLF line ends.
    const push = { since: 'c1', changes: { cursor: 'c2', status: { state: 'synced' } } };
    const data = JSON.stringify(push);
    stream!.write('event: cha');
    stream!.write(`nges\ndata: ${data.slice(0, 20)}`);
    stream!.write(`${data.slice(20)}\n`);
    await settle();
    expect(first).toHaveBeenCalledTimes(1);
    stream!.write(`\nevent: changes\r\ndata: ${data}\r\n\r\n`);
    await settle();
    expect(first.mock.calls).toEqual([[null], [push], [push]]);
    expect(second).toHaveBeenCalledTimes(3);
    // A bare change, and data that is not a push, still tell of a change: the page asks.
    stream!.write('event: change\ndata: {}\n\nevent: changes\ndata: {"since":1}\n\nevent: changes\ndata: not json\n\n');
    await settle();
    expect(first.mock.calls.slice(3)).toEqual([[null], [null], [null]]);
    stopFirst();
    expect(init.signal!.aborted).toBe(false);
    stopSecond();
    expect(init.signal!.aborted).toBe(true);
    await settle();
    expect(stream!.cancelled).toBe(true);
    expect(streams).toHaveLength(1);
  });

  it("reports a lost stream, reconnects after the agent's retry delay, and refreshes when back", async () => {
    vi.useFakeTimers();
    const { transport, streams } = setup();
    const changes = vi.fn();
    const connection = vi.fn();
    transport.onConnectionChange!(connection);
    transport.api.onChange(changes);
    await settle();
    streams[0]!.stream!.write('retry: 300\n\n');
    await settle();
    streams[0]!.stream!.end(); // the agent went away
    await settle();
    expect(connection).toHaveBeenLastCalledWith(false);
    await vi.advanceTimersByTimeAsync(299);
    expect(streams).toHaveLength(1);
    changes.mockClear();
    await vi.advanceTimersByTimeAsync(1);
    expect(streams).toHaveLength(2);
    expect(connection).toHaveBeenLastCalledWith(true);
    expect(changes).toHaveBeenCalledTimes(1);
    // A broken connection is the same: lost, then back after the delay.
    streams[1]!.stream!.fail();
    await settle();
    expect(connection).toHaveBeenLastCalledWith(false);
    await vi.advanceTimersByTimeAsync(300);
    expect(streams).toHaveLength(3);
    expect(connection).toHaveBeenLastCalledWith(true);
  });

  it('tries again later when the agent refuses the stream (401, 503) or cannot be reached', async () => {
    vi.useFakeTimers();
    let next: () => 'live' | FetchResponse | Promise<FetchResponse> = () =>
      answer(401, { error: 'missing or wrong token' });
    const { transport, streams } = setup(undefined, () => next());
    const connection = vi.fn();
    const changes = vi.fn();
    transport.onConnectionChange!(connection);
    transport.api.onChange(changes);
    await settle();
    expect(connection).toHaveBeenLastCalledWith(false);
    expect(changes).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(streams).toHaveLength(1);
    next = () => Promise.reject(new TypeError('Failed to fetch'));
    await vi.advanceTimersByTimeAsync(1);
    expect(streams).toHaveLength(2);
    // Unreachable: the shorter drop delay.
    next = () => 'live';
    await vi.advanceTimersByTimeAsync(2_000);
    expect(streams).toHaveLength(3);
    expect(connection).toHaveBeenLastCalledWith(true);
    expect(changes).toHaveBeenCalledTimes(1);
  });

  it('opens nothing again once the last listener left, even with a retry pending', async () => {
    vi.useFakeTimers();
    const { api, streams } = setup();
    const stop = api.onChange(() => undefined);
    await settle();
    streams[0]!.stream!.end();
    await settle();
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(streams).toHaveLength(1);
  });
});

describe('the event stream parser', () => {
  it('dispatches on blank lines, skips comments, takes retry, and survives UTF-8 split mid-character', () => {
    const events: Array<[string, string]> = [];
    const retries: number[] = [];
    const parser = new EventStreamParser({
      onEvent: (type, data) => events.push([type, data]),
      onRetry: (delay) => retries.push(delay),
    });
    const bytes = new TextEncoder().encode(
      'retry: 1500\n\n: ping\n\nevent: changes\ndata: {"é":1}\n\ndata: x\ndata:y\n\nretry: soon\n\n',
    );
    for (const byte of bytes) parser.push(Uint8Array.of(byte));
    expect(events).toEqual([
      ['changes', '{"é":1}'],
      ['message', 'x\ny'],
    ]);
    expect(retries).toEqual([1500]);
  });
});

describe('the token from the URL fragment', () => {
  function memoryStorage(initial: Record<string, string> = {}): StorageLike & { items: Record<string, string> } {
    const items = { ...initial };
    return { items, getItem: (key) => items[key] ?? null, setItem: (key, value) => void (items[key] = value) };
  }

  it('takes it from #token=, keeps it for this tab, and clears it from the address bar', () => {
    const storage = memoryStorage();
    const replaced: string[] = [];
    const token = takeToken({
      location: { hash: '#token=abc-DEF_123', pathname: '/', search: '' },
      storage,
      replaceUrl: (url) => replaced.push(url),
    });
    expect(token).toBe('abc-DEF_123');
    expect(storage.items[TOKEN_STORAGE_KEY]).toBe('abc-DEF_123');
    expect(replaced).toEqual(['/']);
  });

  it('after a reload (no fragment) uses the stored one; a new fragment replaces it', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'old' });
    const replaced: string[] = [];
    expect(
      takeToken({
        location: { hash: '', pathname: '/', search: '' },
        storage,
        replaceUrl: (url) => replaced.push(url),
      }),
    ).toBe('old');
    expect(replaced).toEqual([]);
    expect(
      takeToken({
        location: { hash: '#token=new', pathname: '/', search: '?x=1' },
        storage,
        replaceUrl: (url) => replaced.push(url),
      }),
    ).toBe('new');
    expect(storage.items[TOKEN_STORAGE_KEY]).toBe('new');
    expect(replaced).toEqual(['/?x=1']);
  });

  it('has none without a fragment or a stored one, and still works where storage is refused', () => {
    expect(
      takeToken({
        location: { hash: '#other=1', pathname: '/', search: '' },
        storage: memoryStorage(),
        replaceUrl: () => undefined,
      }),
    ).toBeUndefined();
    expect(
      takeToken({
        location: { hash: '#token=', pathname: '/', search: '' },
        storage: undefined,
        replaceUrl: () => undefined,
      }),
    ).toBeUndefined();
    const refusing: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(
      takeToken({
        location: { hash: '#token=t1', pathname: '/', search: '' },
        storage: refusing,
        replaceUrl: () => undefined,
      }),
    ).toBe('t1');
    expect(
      takeToken({ location: { hash: '', pathname: '/', search: '' }, storage: refusing, replaceUrl: () => undefined }),
    ).toBeUndefined();
  });

  it('says plainly what to open when there is none', () => {
    expect(new MissingTokenError().message).toBe(NO_TOKEN_MESSAGE);
    expect(NO_TOKEN_MESSAGE).toBe("Open the URL that `varsync run --ui` printed (it carries this run's token).");
  });
});

describe('the preload bridge check', () => {
  it('wants every AgentApi method', () => {
    const methods = [
      'getStatus',
      'getVariables',
      'getChanges',
      'getFirstScreen',
      'getDeadLetters',
      'syncNow',
      'pause',
      'resume',
      'retryDeadLetters',
      'discardDeadLetters',
      'openLogsFolder',
      'getActivity',
      'getAttemptLog',
      'checkNetwork',
      'onChange',
    ];
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
    return {
      run,
      finish: async () => {
        pending.shift()!();
        await vi.advanceTimersByTimeAsync(0);
      },
    };
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
    expect(english.duration(12)).toBe('12 sec');
    expect(english.duration(245)).toBe('4 min, 5 sec');
    expect(english.duration(3_600)).toBe('1 hr');
    expect(english.duration(93_600)).toBe('1 day, 2 hr');
    expect(english.countdown(10_500, 0)).toBe('in 11 sec');
    expect(english.countdown(0, 10)).toBe('any moment now');
    expect(english.ago(0, 2_000)).toBe('just now');
    expect(english.ago(0, 22 * 60_000 + 5_000)).toBe('22 minutes ago');
    expect(english.ago(0, 2 * 86_400_000)).toBe('2 days ago');
    expect(english.elapsed(850)).toBe('850 ms');
    expect(english.elapsed(2_430)).toBe('2.4 sec');
  });

  it("keeps only the news from Electron's wrapped errors", () => {
    expect(
      describeError(new Error("Error invoking remote method 'agent:sync-now': Error: The database is locked.")),
    ).toBe('The database is locked.');
    expect(describeError(new Error('Plain words.'))).toBe('Plain words.');
    expect(describeError(undefined)).toMatch(/did not say what/);
    // No answer at all: this page's own words, in its language.
    const unreachable = Object.assign(new Error('Cannot reach the Varsync agent.'), {
      name: 'AgentRequestError',
      status: 0,
    });
    expect(describeError(unreachable, translatorFor(['de']))).toBe(
      'Der Varsync-Agent ist nicht erreichbar. Prüfen Sie, ob er noch läuft, und laden Sie diese Seite dann neu.',
    );
  });

  it('filters by name, ignoring case and spaces, and by state', () => {
    const variable = (name: string, state: VariableView['state']): VariableView => ({
      name,
      state,
      value: 1,
      type: 'number',
      updatedAt: '',
      syncedAt: null,
    });
    const all = [variable('Seats', 'synced'), variable('beta', 'pending'), variable('seat-limit', 'failed')];
    expect(filterVariables(all, '  SEAT ').map((v) => v.name)).toEqual(['Seats', 'seat-limit']);
    expect(filterVariables(all, 'seat', 'failed').map((v) => v.name)).toEqual(['seat-limit']);
    expect(filterVariables(all, '')).toHaveLength(3);
  });
});
