// The emulator's HTTP server: loopback only, a random free port by default. It routes requests to
// the endpoints, applies injected faults, signs answers, stamps its (possibly skewed) Date and
// keeps a request log for tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign as signBody, type KeyObject } from 'node:crypto';
import type { VariableValue } from '../shared/wire.js';
import { handleAdmin } from './admin.js';
import { answerApiRequest, API_PREFIX, endpointName, errorBody, TOKEN_PATH, type ApiContext } from './api.js';
import { TokenStore } from './authorization.js';
import { FaultPlan, type Fault } from './faults.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { createCertificateAuthority, createServerCertificate, type ServerCertificate } from './certificates.js';
import { DEMO, demoSeed, parseSeed, type EmulatorSeed } from './seed.js';
import { EmulatorState } from './state.js';

export { API_PREFIX, TOKEN_PATH } from './api.js';
const MAX_BODY_BYTES = 1024 * 1024;
const REQUEST_LOG_LIMIT = 50_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export interface EmulatorOptions {
  /** Loopback only: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  seed?: EmulatorSeed;
  /** Serve the admin HTTP API under /__admin (off unless asked for). */
  admin?: boolean;
  /** Enforce LicenseSpring's documented rate limits (rate-limit.ts); off unless asked for. */
  rateLimit?: RateLimitOptions;
  /**
   * Serve HTTPS: `true` makes a private CA and a certificate for 127.0.0.1 and localhost in a
   * temporary folder (its path is `caFile`); or pass a certificate (expired, another name...).
   */
  tls?: true | ServerCertificate;
}

export interface RequestLogEntry {
  seq: number;
  at: number;
  method: string;
  endpoint: string;
  status: number | 'dropped';
  code?: string;
  fault?: Fault['type'];
  product?: string;
  hardwareId?: string;
  /** For track and activate: the variables the request carried. */
  variables?: Record<string, VariableValue>;
}

export interface Emulator {
  /** http://127.0.0.1:PORT, or https:// when serving TLS */
  readonly url: string;
  /** With `tls`: the PEM file of the CA that signed the server's certificate. */
  readonly caFile: string | undefined;
  /** The base URL to configure a client with: url + /api/v4 */
  readonly apiBaseUrl: string;
  readonly tokenUrl: string;
  readonly port: number;
  readonly state: EmulatorState;
  readonly faults: FaultPlan;
  readonly tokens: TokenStore;
  /** The rate limiter in force, if any; tests may set or clear it. */
  rateLimiter: RateLimiter | undefined;
  readonly requests: RequestLogEntry[];
  /** PEM of the key that signs every answer (`LicenseSignature`); also in /.well-known. */
  readonly publicKey: string;
  /** Answers that failed the emulator's own schema check: always empty unless the emulator is wrong. */
  readonly selfCheckFailures: string[];
  /** The server's clock, skew included. */
  now(): number;
  close(): Promise<void>;
}

let signingKeys: { privateKey: KeyObject; publicKeyPem: string } | undefined;
function responseSigningKeys(): { privateKey: KeyObject; publicKeyPem: string } {
  if (!signingKeys) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    signingKeys = { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  }
  return signingKeys;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host))
    throw new Error(`The emulator binds to loopback only; "${host}" is not a loopback address.`);
  const emulator = new EmulatorServer(options);
  await emulator.listen(options.port ?? 0, host);
  return emulator;
}

/** The emulator as it runs: its state and request log, and the handling of each request. */
class EmulatorServer implements Emulator {
  readonly state: EmulatorState;
  readonly faults = new FaultPlan();
  readonly tokens = new TokenStore();
  rateLimiter: RateLimiter | undefined;
  readonly requests: RequestLogEntry[] = [];
  readonly publicKey: string;
  readonly selfCheckFailures: string[] = [];
  readonly caFile: string | undefined;
  private readonly keys = responseSigningKeys();
  private readonly certificate: ServerCertificate | undefined;
  private readonly server: Server;
  /** What the API's answers need from the server (api.ts). */
  private readonly api: ApiContext;
  private seq = 0;
  private origin = '';
  private listeningPort = 0;

  /** The server's clock, skew included (a property, so that it can be handed on unbound). */
  readonly now = (): number => Date.now() + this.faults.clockSkewMs;

  constructor(private readonly options: EmulatorOptions) {
    this.state = new EmulatorState(parseSeed(options.seed ?? demoSeed()));
    this.rateLimiter = options.rateLimit && new RateLimiter(options.rateLimit);
    this.publicKey = this.keys.publicKeyPem;
    this.certificate = options.tls === true ? createServerCertificate(createCertificateAuthority()) : options.tls;
    this.caFile = this.certificate?.ca.caFile;
    this.api = {
      state: this.state,
      tokens: this.tokens,
      now: this.now,
      wellKnown: { apiBaseUrl: () => this.apiBaseUrl, publicKeyPem: this.keys.publicKeyPem },
      limiter: () => this.rateLimiter,
      selfCheckFailures: this.selfCheckFailures,
    };
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      void this.handle(req, res).catch((error: unknown) => this.fail(req, res, error));
    };
    this.server = this.certificate
      ? createHttpsServer({ key: this.certificate.key, cert: this.certificate.cert }, listener)
      : createServer(listener);
  }

  get url(): string {
    return this.origin;
  }

  get apiBaseUrl(): string {
    return `${this.origin}${API_PREFIX}`;
  }

  get tokenUrl(): string {
    return `${this.origin}${TOKEN_PATH}`;
  }

  get port(): number {
    return this.listeningPort;
  }

  async listen(port: number, host: string): Promise<void> {
    const { server } = this;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.origin = `${this.certificate ? 'https' : 'http'}://${urlHost}:${address.port}`;
    this.listeningPort = address.port;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (body === undefined) {
      return this.sendError(res, 413, 'payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    }
    if (url.pathname.startsWith('/__admin/')) {
      if (!this.options.admin) return this.sendError(res, 404, 'not_found', 'No such endpoint.');
      const result = handleAdmin(this, method, url, body);
      return this.send(res, result.status, JSON.stringify(result.body));
    }

    const entry = this.logRequest(method, endpointName(url.pathname));
    const delay = this.faults.nextDelay();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const fault = this.faults.take(entry.endpoint);
    if (fault) entry.fault = fault.type;
    if (fault && fault.type !== 'drop') return this.injectAnswer(res, entry, fault);
    if (fault?.phase === 'before') return drop(req, entry);

    const result = answerApiRequest(this.api, {
      method,
      url,
      headers: { authorization: headerOf(req, 'authorization'), date: headerOf(req, 'date') },
      body,
      ip: req.socket.remoteAddress ?? '',
    });
    entry.product = result.product;
    entry.hardwareId = result.hardwareId;
    entry.variables = result.variables;
    if (fault) return drop(req, entry); // phase 'after': it took effect, the answer is lost
    if (result.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(result.retryAfterSeconds));
    return this.reply(res, entry, result.status, result.body, result.contentType);
  }

  private logRequest(method: string, endpoint: string): RequestLogEntry {
    const entry: RequestLogEntry = { seq: ++this.seq, at: this.now(), method, endpoint, status: 0 };
    const { requests } = this;
    requests.push(entry);
    if (requests.length > REQUEST_LOG_LIMIT) requests.splice(0, requests.length - REQUEST_LOG_LIMIT);
    return entry;
  }

  /** An injected answer in place of the API's. */
  private injectAnswer(res: ServerResponse, entry: RequestLogEntry, fault: Exclude<Fault, { type: 'drop' }>): void {
    switch (fault.type) {
      case 'status': {
        const code = fault.code ?? (fault.status >= 500 ? 'server_error' : `http_${fault.status}`);
        return this.reply(res, entry, fault.status, errorBody(this.api, fault.status, code, 'Injected failure.'));
      }
      case 'rate_limit':
        res.setHeader('Retry-After', String(fault.retryAfterSeconds));
        return this.reply(
          res,
          entry,
          429,
          errorBody(this.api, 429, 'too_many_requests', 'Too many requests; slow down.'),
        );
      case 'raw':
        entry.status = fault.status;
        return this.send(res, fault.status, fault.body, fault.contentType);
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    // A client that went away in the middle of sending its request (killed, timed out) left
    // nobody to answer: not a failure of the emulator.
    if (!req.complete) return;
    this.selfCheckFailures.push(`unhandled: ${(error as Error).message}`);
    if (!res.headersSent)
      this.send(res, 500, JSON.stringify({ status: 500, code: 'internal_error', message: 'Emulator failure.' }));
  }

  private sendError(res: ServerResponse, status: number, code: string, message: string): void {
    this.send(res, status, errorBody(this.api, status, code, message));
  }

  private reply(res: ServerResponse, entry: RequestLogEntry, status: number, body: string, contentType?: string): void {
    entry.status = status;
    if (status >= 400) {
      const parsed = JSON.parse(body) as { code?: string; error?: string };
      entry.code = parsed.code ?? parsed.error;
    }
    this.send(res, status, body, contentType);
  }

  /** Every answer carries the server's (possibly skewed) Date and the signature of its bytes. */
  private send(res: ServerResponse, status: number, body: string, contentType = 'application/json'): void {
    const bytes = Buffer.from(body, 'utf8');
    res.statusCode = status;
    res.setHeader('Date', new Date(this.now()).toUTCString());
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', bytes.length);
    res.setHeader('LicenseSignature', signBody('sha256', bytes, this.keys.privateKey).toString('base64'));
    res.end(bytes);
  }
}

function drop(req: IncomingMessage, entry: RequestLogEntry): void {
  entry.status = 'dropped';
  req.socket.destroy();
}

/** The settings a Varsync agent needs to talk to this emulator as the demo device's license. */
export function demoAgentSettings(emulator: Pick<Emulator, 'url'>): {
  apiUrl: string;
  product: string;
  licenseKey: string;
  apiKey: string;
  sharedKey: string;
} {
  return {
    apiUrl: emulator.url,
    product: DEMO.product,
    licenseKey: DEMO.licenseKey,
    apiKey: DEMO.apiKey,
    sharedKey: DEMO.sharedKey,
  };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The whole body as text, or undefined when it is larger than the limit. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
