// The headless daemon's status page: the same renderer as the Electron window, served on
// 127.0.0.1 with the AgentApi over HTTP and server-sent events. A random port unless configured,
// a per-run secret token (a Bearer header) on every request for data, Host and Origin checked on
// every request, nothing bound beyond loopback. The static shell (the public build, no data) needs
// no token: the page reads the token from the URL's fragment, which never reaches any server.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { API_BASE, EVENTS_ROUTE } from '../../shared/http-routes.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';
import type { Agent } from '../core/agent.js';
import type { Logger } from '../core/log.js';
import { contentTypeOf, resolveRendererFile } from '../core/renderer-files.js';
import { apiRoutes, type ApiRoute } from './api-routes.js';
import { ChangeFeed } from '../core/change-feed.js';
import { EventStreams } from './event-streams.js';
import { checkPeer, checkRequest } from './guard.js';
import { HttpError, readJson, sendJson, setSecurityHeaders } from './http-io.js';
import { statusPageUrl } from './status-url.js';

export { CONTENT_SECURITY_POLICY };

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

export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const page = new StatusPage(options);
  const port = await page.listen(options.port ?? 0);
  const origin = `http://127.0.0.1:${port}`;
  return { url: statusPageUrl(origin, page.token), origin, port, token: page.token, close: () => page.close() };
}

/** One request at a time: check who asks, then answer from the API, the event streams or the built page. */
class StatusPage {
  readonly token: string;
  private readonly server: Server;
  private readonly routes: Map<string, ApiRoute>;
  private readonly events: EventStreams;
  /** Known once listening; Host and Origin are checked against it. */
  private port = 0;

  constructor(private readonly options: StatusServerOptions) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
    const feed = new ChangeFeed(options.agent);
    this.routes = apiRoutes(options.agent, feed);
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => this.fail(res, error));
    });
    this.events = new EventStreams(options.agent, feed);
  }

  async listen(port: number): Promise<number> {
    const { server } = this;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    }).catch((error: unknown) => {
      // Not listening (the port is taken): leave nothing behind that would keep the process alive.
      this.events.close();
      throw error;
    });
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.events.close();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://status');
    } catch {
      throw new HttpError(400, 'the request target is not a valid address'); // "//", "http://[": a refusal, not a failure
    }
    const method = req.method ?? 'GET';
    const queryToken = url.searchParams.get('token');
    if (method === 'GET' && url.pathname === '/' && queryToken !== null)
      return this.moveTokenToFragment(req, res, queryToken);
    // The shell (GET/HEAD outside /api/) is the public build: no token, but still only for our own
    // loopback Host and Origin. Everything else (data, events, any write) needs the Bearer token.
    const isApi = url.pathname.startsWith(`${API_BASE}/`);
    const isShell = (method === 'GET' || method === 'HEAD') && !isApi;
    const verdict = isShell ? checkPeer(req, this.port) : checkRequest(req, this.port, this.token);
    if (!verdict.ok) throw new HttpError(verdict.status, verdict.error);

    if (url.pathname === `${API_BASE}${EVENTS_ROUTE.path}` && method === EVENTS_ROUTE.method)
      return this.events.open(req, res, url);
    const route = this.routes.get(`${method} ${url.pathname}`);
    if (route) return this.answer(req, res, method, route);
    if (isApi) throw new HttpError(404, `no such endpoint: ${method} ${url.pathname}`);
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'only GET is served here');
    await this.serveFile(res, url.pathname);
  }

  /** An older printed URL (`/?token=`): move the token to the fragment, where the page reads it. */
  private moveTokenToFragment(req: IncomingMessage, res: ServerResponse, queryToken: string): void {
    const verdict = checkRequest(req, this.port, this.token, queryToken);
    if (!verdict.ok) throw new HttpError(verdict.status, verdict.error);
    res.statusCode = 303;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Location', statusPageUrl('', queryToken));
    res.end();
  }

  private async answer(req: IncomingMessage, res: ServerResponse, method: string, route: ApiRoute): Promise<void> {
    if (method === 'POST' && !(req.headers['content-type'] ?? '').startsWith('application/json')) {
      throw new HttpError(415, 'send a JSON body with Content-Type: application/json');
    }
    const body = method === 'POST' ? await readJson(req) : undefined;
    const result = await route(body);
    if (result === undefined) {
      res.statusCode = 204;
      res.end();
    } else sendJson(res, 200, result);
  }

  private async serveFile(res: ServerResponse, pathname: string): Promise<void> {
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
    const file = await resolveRendererFile(this.options.rendererDir, decoded);
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

  /** A refusal is answered with its status; anything else is a failure of ours, logged and answered 500. */
  private fail(res: ServerResponse, error: unknown): void {
    const status = error instanceof HttpError ? error.status : 500;
    if (status === 500) this.options.log.error(`status page: ${(error as Error).message}`);
    if (!res.headersSent)
      sendJson(res, status, {
        error: status === 500 ? 'internal error; see the daemon log' : (error as Error).message,
      });
    else res.end();
  }
}
