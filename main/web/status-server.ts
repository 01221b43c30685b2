// The headless daemon's status page: the same renderer as the Electron window, served on
// 127.0.0.1 with the AgentApi over HTTP and server-sent events. A random port unless configured,
// a per-run secret token (a Bearer header) on every request for data, Host and Origin checked on
// every request, nothing bound beyond loopback. The static shell (the public build, no data) needs
// no token: the page reads the token from the URL's fragment, which never reaches any server.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { API_BASE, EVENTS_ROUTE, HTTP_ROUTES, type HttpApiMethod } from '../../shared/http-routes.js';
import { changesCursorSchema, correlationIdSchema, deadLetterNamesSchema } from '../../shared/ipc.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';
import type { Agent } from '../core/agent.js';
import type { Logger } from '../core/log.js';
import { contentTypeOf, resolveRendererFile } from '../core/renderer-files.js';
import { ChangeFeed } from '../core/change-feed.js';
import { checkPeer, checkRequest } from './guard.js';
import { statusPageUrl } from './status-url.js';

export { CONTENT_SECURITY_POLICY };

const MAX_BODY_BYTES = 64 * 1024;
const MAX_EVENT_STREAMS = 16;
const HEARTBEAT_MS = 15_000;
const CHANGE_COALESCE_MS = 100;

export interface StatusServerOptions {
  agent: Agent;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  log: Logger;
  /** Fixed token for tests; a random one per run otherwise. */
  token?: string;
}

export interface StatusServer {
  /** The URL to open: the token rides in the fragment (`#token=`), which the browser never sends anywhere. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const namesBody = z.strictObject({ names: deadLetterNamesSchema });

export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const { agent, log } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const streams = new Set<ServerResponse>();
  let port = 0;
  const feed = new ChangeFeed(agent);

  const handlers: Record<HttpApiMethod, (body: unknown) => Promise<unknown> | unknown> = {
    getStatus: () => agent.status(),
    getVariables: () => agent.variables(),
    getChanges: (body) => feed.changesSince(parseCursor(body)),
    getDeadLetters: () => agent.deadLetters(),
    syncNow: () => agent.syncNow(),
    pause: () => agent.pause(),
    resume: () => agent.resume(),
    retryDeadLetters: (body) => ({ count: agent.retryDeadLetters(parseNames(body)) }),
    discardDeadLetters: (body) => ({ count: agent.discardDeadLetters(parseNames(body)) }),
    getActivity: () => agent.activity(),
    getAttemptLog: (body) => {
      const id = parseAttemptId(body);
      const log = agent.attemptLog(id);
      if (!log) throw new HttpError(404, `no recent sync attempt has the ID ${id}`);
      return log;
    },
  };
  const api = new Map(
    (Object.keys(HTTP_ROUTES) as HttpApiMethod[]).map((name) => {
      const { method, path } = HTTP_ROUTES[name];
      return [`${method} ${API_BASE}${path}`, handlers[name]];
    }),
  );

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) log.error(`status page: ${(error as Error).message}`);
      if (!res.headersSent)
        sendJson(res, status, {
          error: status === 500 ? 'internal error; see the daemon log' : (error as Error).message,
        });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://status');
    } catch {
      throw new HttpError(400, 'the request target is not a valid address'); // "//", "http://[": a refusal, not a failure
    }
    const method = req.method ?? 'GET';
    const queryToken = url.searchParams.get('token');
    if (method === 'GET' && url.pathname === '/' && queryToken !== null) {
      // An older printed URL (`/?token=`): move the token to the fragment, where the page reads it.
      const verdict = checkRequest(req, port, token, queryToken);
      if (!verdict.ok) throw new HttpError(verdict.status, verdict.error);
      res.statusCode = 303;
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Location', statusPageUrl('', queryToken));
      res.end();
      return;
    }
    // The shell (GET/HEAD outside /api/) is the public build: no token, but still only for our own
    // loopback Host and Origin. Everything else (data, events, any write) needs the Bearer token.
    const isApi = url.pathname.startsWith(`${API_BASE}/`);
    const isShell = (method === 'GET' || method === 'HEAD') && !isApi;
    const verdict = isShell ? checkPeer(req, port) : checkRequest(req, port, token);
    if (!verdict.ok) throw new HttpError(verdict.status, verdict.error);

    if (url.pathname === `${API_BASE}${EVENTS_ROUTE.path}` && method === EVENTS_ROUTE.method)
      return openEventStream(req, res);
    const route = api.get(`${method} ${url.pathname}`);
    if (route) {
      if (method === 'POST' && !(req.headers['content-type'] ?? '').startsWith('application/json')) {
        throw new HttpError(415, 'send a JSON body with Content-Type: application/json');
      }
      const body = method === 'POST' ? await readJson(req) : undefined;
      const result = await route(body);
      if (result === undefined) {
        res.statusCode = 204;
        res.end();
      } else sendJson(res, 200, result);
      return;
    }
    if (isApi) throw new HttpError(404, `no such endpoint: ${method} ${url.pathname}`);
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'only GET is served here');
    await serveFile(res, url.pathname);
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    if (streams.size >= MAX_EVENT_STREAMS) throw new HttpError(503, 'too many open status pages');
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  // Coalesce bursts of changes into one event per 100 ms: the page refetches on each.
  let pendingChange: NodeJS.Timeout | undefined;
  const onChange = (): void => {
    pendingChange ??= setTimeout(() => {
      pendingChange = undefined;
      for (const stream of streams) stream.write('event: change\ndata: {}\n\n');
    }, CHANGE_COALESCE_MS);
  };
  agent.on('change', onChange);
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);

  async function serveFile(res: ServerResponse, pathname: string): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      throw new HttpError(400, 'the address is not valid percent-encoded UTF-8');
    }
    const relative = pathname === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    const notFound = new HttpError(
      404,
      relative === 'index.html' ? 'the status page is not built: run npm run build:renderer' : 'not found',
    );
    const file = await resolveRendererFile(options.rendererDir, decoded);
    if (!file) throw notFound;
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      throw notFound;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', contentTypeOf(file));
    res.setHeader('Cache-Control', relative === 'index.html' ? 'no-store' : 'max-age=3600');
    res.end(content);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  }).catch((error: unknown) => {
    // Not listening (the port is taken): leave nothing behind that would keep the process alive.
    agent.off('change', onChange);
    clearInterval(heartbeat);
    throw error;
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: statusPageUrl(origin, token),
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        agent.off('change', onChange);
        clearInterval(heartbeat);
        clearTimeout(pendingChange);
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseNames(body: unknown): string[] | undefined {
  const parsed = namesBody.safeParse(body ?? {});
  if (!parsed.success)
    throw new HttpError(
      400,
      `body must be {"names": [text, ...]} or {}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  return parsed.data.names;
}

const cursorBody = z.strictObject({ since: changesCursorSchema });

function parseCursor(body: unknown): string | null {
  const parsed = cursorBody.safeParse(body ?? {});
  if (!parsed.success)
    throw new HttpError(400, 'body must be {"since": null} or {"since": "<cursor of the last answer>"}');
  return parsed.data.since;
}

const attemptBody = z.strictObject({ correlationId: correlationIdSchema });

function parseAttemptId(body: unknown): string {
  const parsed = attemptBody.safeParse(body ?? {});
  if (!parsed.success)
    throw new HttpError(400, 'body must be {"correlationId": "3f9a0c1e"} (an ID from /api/activity)');
  return parsed.data.correlationId;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `bodies are limited to ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'the body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}
