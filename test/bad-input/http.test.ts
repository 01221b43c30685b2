// Bad input on the headless daemon's loopback HTTP API (varsync run --ui): generated methods,
// request targets (traversal, bad percent-encoding, absolute form), Host, Origin, token (Bearer
// header, the query of an old printed address, and cookies, which must open nothing), content
// types, bodies (JSON of the wrong shape, junk, invalid UTF-8, too large, deeply nested) and
// framing (chunked, a body that stops short, broken chunks), sent byte for byte over a real
// socket to the real status server and agent on a seeded SQLite store. Every request is answered
// in time (or, when node:http cannot parse it, closed); no 500; every refusal is JSON with a
// one-line error; nothing outside the renderer folder is served; only our Host and Origin with
// the token reach data or actions; a refused request changes nothing queued.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../main/core/agent.js';
import { silentLogger } from '../../main/core/log.js';
import { startStatusServer, type StatusServer } from '../../main/web/status-server.js';
import { tempDir } from '../helpers/agent.js';
import {
  bounded,
  countCase,
  fcParameters,
  hasStackFrame,
  oneLineProblem,
  reportCases,
  watchEscapes,
} from './helpers/cases.js';
import {
  dataDirConfig,
  queueChange,
  SEEDED_DEAD_LETTERS,
  SEEDED_PENDING,
  seedDeadLetters,
  seededLoss,
  seedQueue,
  snapshotQueue,
} from './helpers/queue.js';
import { exchange, frameBody, type BodyFraming, type RawExchange } from './helpers/raw-http.js';

const RUNS = 2_500;
const TOKEN = 'bad-input-token-0123456789abcdef';
/** Stands for the server's port in generated requests (known only once it listens). */
const PORT = '{port}';
const OUTSIDE_SECRET = 'outside the renderer folder: never served';

const root = tempDir('varsync-bad-http-');
let agent: Agent;
let server: StatusServer;
const escapes = watchEscapes();

beforeAll(async () => {
  const rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Varsync</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
  writeFileSync(join(root, 'secret.txt'), OUTSIDE_SECRET);
  // Configured against a closed loopback port: POST /api/sync runs a real pass that cannot reach anything.
  agent = Agent.open({
    config: dataDirConfig(join(root, 'data'), {
      product: 'p',
      licenseKey: 'k',
      apiKey: 'a',
      sharedKey: 's',
      hardwareId: 'hw-http',
      apiUrl: 'http://127.0.0.1:1',
      requestTimeoutMs: 2_000,
    }),
  });
  seedQueue(agent);
  server = await startStatusServer({ agent, rendererDir, log: silentLogger, token: TOKEN });
});

afterAll(async () => {
  escapes.stop();
  await server.close();
  await agent.close();
  reportCases('http');
});

// ---- generators -------------------------------------------------------------------------------

const NODE_METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'];
const method = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('GET', 'POST') },
  { weight: 2, arbitrary: fc.constantFrom(...NODE_METHODS) },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.stringMatching(/^[A-Z]{1,8}$/), fc.constantFrom('get', 'G ET', 'POST\u0000', '')),
  },
);

const API_PATHS = [
  '/api/status',
  '/api/variables',
  '/api/changes',
  '/api/dead-letters',
  '/api/sync',
  '/api/pause',
  '/api/resume',
  '/api/dead-letters/retry',
  '/api/dead-letters/discard',
  '/api/network-check',
  '/api/events',
];
const path = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...API_PATHS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/',
      '/index.html',
      '/assets/app.js',
      '/api',
      '/api/',
      '/API/status',
      '/api/status/',
      '/api//status',
      '/api/status;x',
      '/api/nothing',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..\\secret.txt',
      '/%5c..%5csecret.txt',
      '/%',
      '/%E0%A4%A',
      '/%zz',
      '/%00',
      '/%C0%AF',
      '/assets/%ff',
      '/%ED%A0%80',
      `http://127.0.0.1:${PORT}/api/status`,
      'http://evil.example/api/status',
      '*',
      '//evil.example/api/status',
      'http://[',
      '/?',
      '/#x',
    ),
  },
  { weight: 1, arbitrary: fc.webPath() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((text) => `/${text}`) },
);
const query = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      `?token=${TOKEN}`,
      '?token=wrong',
      '?token=',
      `?token=${TOKEN}&token=x`,
      `?token=${TOKEN.toUpperCase()}`,
      `?token=${TOKEN}%00`,
    ),
  },
  { weight: 1, arbitrary: fc.webQueryParameters().map((text) => `?${text}`) },
);

const HOSTS = [`127.0.0.1:${PORT}`, `localhost:${PORT}`];
const host = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom(...HOSTS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'evil.example',
      `evil.example:${PORT}`,
      '127.0.0.1',
      `127.0.0.2:${PORT}`,
      `LOCALHOST:${PORT}`,
      `[::1]:${PORT}`,
      `127.0.0.1:${PORT}.evil`,
      '',
      `127.0.0.1:${PORT}, evil.example`,
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const origin = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'http://evil.example',
      `https://127.0.0.1:${PORT}`,
      'null',
      '',
      `http://127.0.0.1:${PORT}.evil`,
      `http://localhost:${PORT}/`,
      `file://`,
    ),
  },
  { weight: 1, arbitrary: fc.webUrl() },
);
const credentials = fc.oneof(
  { weight: 10, arbitrary: fc.constant({ authorization: `Bearer ${TOKEN}` }) },
  { weight: 2, arbitrary: fc.constant({ cookie: `varsync_token=${TOKEN}` }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      {},
      { authorization: 'Bearer wrong' },
      { authorization: `bearer ${TOKEN}` },
      { authorization: `Bearer  ${TOKEN} ` },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Basic ${TOKEN}` },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { cookie: 'varsync_token=wrong' },
      { cookie: `other=1; varsync_token=${TOKEN}; x=y` },
      { cookie: `varsync_token=${TOKEN}=` },
      { cookie: `VARSYNC_TOKEN=${TOKEN}` },
      { authorization: 'Bearer wrong', cookie: `varsync_token=${TOKEN}` },
    ),
  },
  { weight: 1, arbitrary: fc.record({ authorization: fc.string({ maxLength: 40 }).map((text) => `Bearer ${text}`) }) },
);
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'application/json; charset=utf-8',
      'application/jsonp',
      'APPLICATION/JSON',
      'multipart/form-data; boundary=x',
      '',
    ),
  },
);

const variableName = fc.oneof(
  fc.constantFrom(
    ...Object.keys(SEEDED_DEAD_LETTERS),
    ...Object.keys(SEEDED_PENDING),
    '',
    'x'.repeat(129),
    '__proto__',
  ),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);
const body = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      '{}',
      'null',
      '[]',
      '"names"',
      '{"names":null}',
      '{"names":"x"}',
      '{"names":[1]}',
      '{"names":[]}',
      '{"__proto__":{"names":["x"]}}',
      '{"names":["a"],"extra":1}',
      ' \n ',
    ),
  },
  { weight: 3, arbitrary: fc.array(variableName, { maxLength: 4 }).map((names) => JSON.stringify({ names })) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      `{"names":["${'a'.repeat(70_000)}"]}`,
      `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      `{"names":[${Array.from({ length: 5_000 }, () => '"n"').join(',')}]}`,
    ),
  },
);

/** How the body is delimited: as it should be, or not. */
type Framing = Extract<BodyFraming, 'length' | 'none' | 'chunked' | 'long' | 'bad-chunked' | 'length-and-chunked'>;
const framing = fc.oneof(
  { weight: 16, arbitrary: fc.constant<Framing>('length') },
  { weight: 3, arbitrary: fc.constantFrom<Framing>('none', 'chunked') },
  { weight: 1, arbitrary: fc.constantFrom<Framing>('long', 'bad-chunked', 'length-and-chunked') },
);
const junkHeaders = fc.oneof(
  { weight: 16, arbitrary: fc.constant([] as string[]) },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.constantFrom(
        'X-Junk: \u0001',
        'NoColonLine',
        ' folded: continuation',
        'Content-Length: abc',
        `Host: evil.example`,
        'X-Long: ' + 'x'.repeat(20_000),
        'X-Utf8: é',
        'Transfer-Encoding: gzip',
      ),
      { minLength: 1, maxLength: 2 },
    ),
  },
);

const request = fc.record({ method, path, query, host, origin, credentials, contentType, body, framing, junkHeaders });
type Request = typeof request extends fc.Arbitrary<infer T> ? T : never;

// ---- sending, and what the answer must be ------------------------------------------------------

const withPort = (text: string) => text.replaceAll(PORT, String(server.port));

function serialize(request: Request): Buffer {
  const bodyBytes = request.method === 'GET' || request.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(request.body);
  const lines = [`${request.method} ${withPort(request.path + request.query)} HTTP/1.1`];
  if (request.host !== undefined) lines.push(`Host: ${withPort(request.host)}`);
  if (request.origin !== undefined) lines.push(`Origin: ${withPort(request.origin)}`);
  if ('authorization' in request.credentials) lines.push(`Authorization: ${request.credentials.authorization}`);
  if ('cookie' in request.credentials) lines.push(`Cookie: ${request.credentials.cookie}`);
  if (request.contentType !== undefined && bodyBytes.length > 0) lines.push(`Content-Type: ${request.contentType}`);
  lines.push('Connection: close', ...request.junkHeaders);
  let payload: Buffer = bodyBytes;
  if (bodyBytes.length > 0 || request.framing === 'long') {
    // node:http reads a request body only when it is framed: 'none' sends its length too.
    const framed = frameBody(request.framing === 'none' ? 'length' : request.framing, bodyBytes);
    lines.push(...framed.headerLines);
    payload = framed.payload;
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), payload]);
}

/**
 * Whether the server may let the request through its guard, judged from what was sent: only our
 * own Host and Origin, ever; and the Bearer token for anything but the static shell (GET or HEAD
 * outside /api/). A cookie opens nothing. An old printed address (GET /?token=) must carry the token.
 */
function guardVerdict(request: Request): { allowed: boolean; reason: string } {
  const hosts = new Set(HOSTS.map(withPort));
  // Header values as the server reads them: without the white space around them (HTTP's OWS).
  const value = (text: string | undefined) => (text === undefined ? undefined : withPort(text).trim());
  // node:http keeps the first of several Host headers; the junk one comes after ours.
  const firstHost = request.host ?? request.junkHeaders.find((line) => line.startsWith('Host:'))?.slice('Host:'.length);
  if (!hosts.has(value(firstHost) ?? '')) return { allowed: false, reason: 'a foreign or missing Host' };
  if (request.origin !== undefined && !hosts.has(value(request.origin)!.replace(/^http:\/\//, '')))
    return { allowed: false, reason: 'a foreign Origin' };
  let url: URL;
  try {
    url = new URL(withPort(request.path + request.query), 'http://status');
  } catch {
    return { allowed: false, reason: 'no address at all' };
  }
  const queryToken = request.method === 'GET' && url.pathname === '/' ? url.searchParams.get('token') : null;
  if (queryToken !== null)
    return queryToken === TOKEN
      ? { allowed: true, reason: '' }
      : { allowed: false, reason: 'a wrong token in the address' };
  if ((request.method === 'GET' || request.method === 'HEAD') && !url.pathname.startsWith('/api/'))
    return { allowed: true, reason: '' };
  const bearer =
    'authorization' in request.credentials
      ? /^Bearer\s+(\S+)$/i.exec(value(request.credentials.authorization)!)?.[1]
      : undefined;
  return bearer === TOKEN ? { allowed: true, reason: '' } : { allowed: false, reason: 'no right Bearer token' };
}

/** A request node:http itself must answer (not just close): a known method, a plain target, a Host, plain header text, honest framing. */
function wellFormed(request: Request): boolean {
  const target = withPort(request.path + request.query);
  return (
    NODE_METHODS.includes(request.method) &&
    request.host !== undefined && // HTTP/1.1 requires one; node:http answers 400 without
    /^[\x21-\x7e]+$/.test(target) &&
    /^(\/|\*$|https?:\/\/)/.test(target) && // origin, asterisk or absolute form
    request.junkHeaders.length === 0 &&
    (request.framing === 'length' || request.framing === 'none' || request.framing === 'chunked') &&
    [
      request.host,
      request.origin,
      'authorization' in request.credentials ? request.credentials.authorization : '',
      'cookie' in request.credentials ? request.credentials.cookie : '',
      request.contentType,
    ].every((value) => value === undefined || /^[\x20-\x7e]*$/.test(value))
  );
}

const MUTATING = new Set([
  'POST /api/sync',
  'POST /api/pause',
  'POST /api/resume',
  'POST /api/dead-letters/retry',
  'POST /api/dead-letters/discard',
]);

function answerProblem(request: Request, answer: RawExchange): string | undefined {
  if (answer.body.includes(OUTSIDE_SECRET)) return 'served a file outside the renderer folder';
  if (hasStackFrame(answer.body)) return `the answer holds a stack trace: ${answer.body.slice(0, 300)}`;
  const bigBody = Buffer.byteLength(request.body) > 64 * 1024 && request.method !== 'GET' && request.method !== 'HEAD';
  if (answer.status === undefined) {
    if (wellFormed(request) && !bigBody)
      return `the connection closed without an answer${answer.reset ? ' (reset)' : ''}`;
    return undefined;
  }
  if (answer.status >= 500 && answer.status !== 503) return `answered ${answer.status}: ${answer.body.slice(0, 200)}`;
  const ours = answer.headers.has('content-security-policy');
  if (!ours) {
    // node:http refused the bytes before the status server saw a request.
    if (wellFormed(request)) return `a well-formed request was refused by the HTTP parser with ${answer.status}`;
    return answer.status >= 400 && answer.status < 500 ? undefined : `the HTTP parser answered ${answer.status}`;
  }
  const guard = guardVerdict(request);
  // A target that is no address at all may be refused as such before the guard looks at the rest.
  const refusals = URL.canParse(withPort(request.path + request.query), 'http://status')
    ? [401, 403, 421]
    : [400, 401, 403, 421];
  if (!guard.allowed && !refusals.includes(answer.status)) return `${guard.reason}, yet answered ${answer.status}`;
  if (answer.status >= 400 && request.method !== 'HEAD') {
    // (An answer to HEAD has no body, by HTTP's rules.)
    let error: unknown;
    try {
      error = (JSON.parse(answer.body) as { error?: unknown }).error;
    } catch {
      return `refused with ${answer.status} without a JSON error: ${JSON.stringify(answer.body.slice(0, 200))}`;
    }
    if (typeof error !== 'string') return `refused with ${answer.status} without an error message`;
    const unclear = oneLineProblem(error);
    if (unclear) return `refused with ${answer.status}: ${unclear}`;
  }
  return undefined;
}

// ---- the property -----------------------------------------------------------------------------

describe('the status server', () => {
  it(`refuses bad requests with a clear error, never crashes or hangs, and loses nothing queued (${RUNS} generated requests)`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async (generated) => {
        countCase('http');
        const before = snapshotQueue(agent);
        const paused = agent.status().paused;
        const answer = await bounded('a request', 10_000, () =>
          exchange(server.port, serialize(generated), 5_000, generated.framing === 'long'),
        );
        const what = () =>
          `${JSON.stringify({ ...generated, body: String(generated.body).slice(0, 200) })} -> ${answer.status ?? 'no answer'} ${answer.body.slice(0, 200)}`;
        const problem = answerProblem(generated, answer);
        if (problem) throw new Error(`${what()}: ${problem}`);
        const route = `${generated.method} ${generated.path}`;
        const acted = answer.status !== undefined && answer.status < 400 && MUTATING.has(route);
        const after = snapshotQueue(agent);
        if (!acted) {
          const change = queueChange(before, after);
          if (change) throw new Error(`${what()}: the queue changed: ${change}`);
          if (agent.status().paused !== paused) throw new Error(`${what()}: pause changed`);
        }
        const loss = seededLoss(after, { deadLettersMayMove: acted && route.includes('dead-letters') });
        seedDeadLetters(agent);
        if (loss) throw new Error(`${what()}: ${loss}`);
      }),
      fcParameters(RUNS),
    );
    expect(escapes.problems).toEqual([]);
  }, 300_000);
});
