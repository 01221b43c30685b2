// The emulator's HTTP server: loopback only, a random free port by default. It routes requests to
// the endpoints, applies injected faults, signs answers, stamps its (possibly skewed) Date and
// keeps a request log for tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign as signBody, type KeyObject } from 'node:crypto';
import { apiErrorBodySchema, oauthTokenSchema, wellKnownSchema, type VariableValue } from '../shared/wire.js';
import { handleAdmin } from './admin.js';
import { authorizeRequest, TokenStore } from './authorization.js';
import { answer, ENDPOINTS } from './endpoints.js';
import { FaultPlan, type Fault } from './faults.js';
import { createCertificateAuthority, createServerCertificate, type ServerCertificate } from './certificates.js';
import { DEMO, demoSeed, parseSeed, type EmulatorSeed } from './seed.js';
import { EmulatorError, EmulatorState } from './state.js';

export const API_PREFIX = '/api/v4';
export const TOKEN_PATH = '/realms/user-portal/protocol/openid-connect/token';
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
  const state = new EmulatorState(parseSeed(options.seed ?? demoSeed()));
  const faults = new FaultPlan();
  const tokens = new TokenStore();
  const keys = responseSigningKeys();
  const requests: RequestLogEntry[] = [];
  const selfCheckFailures: string[] = [];
  let seq = 0;
  const now = (): number => Date.now() + faults.clockSkewMs;

  const certificate = options.tls === true ? createServerCertificate(createCertificateAuthority()) : options.tls;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch((error: unknown) => {
      // A client that went away in the middle of sending its request (killed, timed out) left
      // nobody to answer: not a failure of the emulator.
      if (!req.complete) return;
      selfCheckFailures.push(`unhandled: ${(error as Error).message}`);
      if (!res.headersSent)
        send(res, 500, JSON.stringify({ status: 500, code: 'internal_error', message: 'Emulator failure.' }));
    });
  };
  const server: Server = certificate
    ? createHttpsServer({ key: certificate.key, cert: certificate.cert }, listener)
    : createServer(listener);

  const emulator = {} as Emulator;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (body === undefined) {
      return sendError(res, 413, 'payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    }
    if (url.pathname.startsWith('/__admin/')) {
      if (!options.admin) return sendError(res, 404, 'not_found', 'No such endpoint.');
      const result = handleAdmin(emulator, method, url, body);
      return send(res, result.status, JSON.stringify(result.body));
    }

    const endpoint = endpointName(url.pathname);
    const entry: RequestLogEntry = { seq: ++seq, at: now(), method, endpoint, status: 0 };
    requests.push(entry);
    if (requests.length > REQUEST_LOG_LIMIT) requests.splice(0, requests.length - REQUEST_LOG_LIMIT);

    const delay = faults.nextDelay();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const fault = faults.take(endpoint);
    if (fault) entry.fault = fault.type;
    if (fault?.type === 'drop' && fault.phase === 'before') return drop(req, entry);
    if (fault?.type === 'status') {
      const code = fault.code ?? (fault.status >= 500 ? 'server_error' : `http_${fault.status}`);
      return reply(res, entry, fault.status, errorBody(fault.status, code, 'Injected failure.'));
    }
    if (fault?.type === 'rate_limit') {
      res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      return reply(res, entry, 429, errorBody(429, 'too_many_requests', 'Too many requests; slow down.'));
    }
    if (fault?.type === 'raw') {
      entry.status = fault.status;
      return send(res, fault.status, fault.body, fault.contentType);
    }

    const result = route(method, url, body, req, entry);
    if (fault?.type === 'drop') return drop(req, entry); // phase 'after': it took effect, the answer is lost
    return reply(res, entry, result.status, result.body, result.contentType);
  }

  function route(
    method: string,
    url: URL,
    body: string,
    req: IncomingMessage,
    entry: RequestLogEntry,
  ): { status: number; body: string; contentType?: string } {
    const endpoint = entry.endpoint;
    if (endpoint === '.well-known' && method === 'GET') return json(200, wellKnown(), wellKnownSchema);
    if (endpoint === 'token' && method === 'POST') return tokenAnswer(body);
    const spec = ENDPOINTS[endpoint];
    if (!spec || !url.pathname.startsWith(`${API_PREFIX}/`))
      return { status: 404, body: errorBody(404, 'not_found', 'No such endpoint.') };
    if (spec.method !== method)
      return { status: 405, body: errorBody(405, 'method_not_allowed', `Use ${spec.method}.`) };
    try {
      const caller = authorizeRequest(
        { authorization: headerOf(req, 'authorization'), date: headerOf(req, 'date') },
        state.seed,
        tokens,
        now(),
      );
      const params = method === 'GET' ? Object.fromEntries(url.searchParams) : parseJsonBody(body);
      entry.product = typeof params.product === 'string' ? params.product : undefined;
      entry.hardwareId = typeof params.hardware_id === 'string' ? params.hardware_id : undefined;
      if (isVariables(params.variables)) entry.variables = { ...params.variables };
      const result = answer(spec, state, { params, caller, now: now() });
      if (result.kind === 'text') return { status: 200, body: result.body, contentType: 'text/plain; charset=utf-8' };
      return json(200, result.body, result.schema);
    } catch (error) {
      if (!(error instanceof EmulatorError)) throw error;
      return { status: error.status, body: errorBody(error.status, error.code, error.message) };
    }
  }

  function tokenAnswer(body: string): { status: number; body: string } {
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials') {
      return {
        status: 400,
        body: JSON.stringify({
          error: 'unsupported_grant_type',
          error_description: 'Only client_credentials is supported.',
        }),
      };
    }
    const client = state.seed.oauthClients.find(
      (candidate) =>
        candidate.clientId === form.get('client_id') && candidate.clientSecret === form.get('client_secret'),
    );
    if (!client)
      return {
        status: 401,
        body: JSON.stringify({ error: 'invalid_client', error_description: 'Invalid client credentials' }),
      };
    const token = {
      access_token: tokens.issue(client.clientId, client.tokenLifetimeSeconds, now()),
      expires_in: client.tokenLifetimeSeconds,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope: 'profile email',
    };
    return json(200, token, oauthTokenSchema);
  }

  function wellKnown(): unknown {
    return {
      api_base_url: `${emulator.url}${API_PREFIX}`,
      supported_api_versions: ['v4'],
      default_api_version: 'v4',
      version: 'varsync-emulator',
      timestamp: now(),
      pub_key: keys.publicKeyPem,
      endpoints: Object.fromEntries(Object.entries(ENDPOINTS).map(([name, spec]) => [name, { method: spec.method }])),
    };
  }

  /** Serialize an answer after checking it against its schema: the emulator must never send a shape the API does not. */
  function json(
    status: number,
    body: unknown,
    schema: { safeParse(value: unknown): { success: boolean; error?: unknown } },
  ) {
    const checked = schema.safeParse(body);
    if (!checked.success) {
      selfCheckFailures.push(`answer of status ${status} does not match its schema: ${String(checked.error)}`);
      return { status: 500, body: errorBody(500, 'internal_error', 'Emulator produced an invalid answer.') };
    }
    return { status, body: JSON.stringify(body) };
  }

  function errorBody(status: number, code: string, message: string): string {
    const body = { status, code, message };
    if (!apiErrorBodySchema.safeParse(body).success)
      selfCheckFailures.push(`error body ${code} does not match the schema`);
    return JSON.stringify(body);
  }

  function sendError(res: ServerResponse, status: number, code: string, message: string): void {
    send(res, status, errorBody(status, code, message));
  }

  function reply(
    res: ServerResponse,
    entry: RequestLogEntry,
    status: number,
    body: string,
    contentType?: string,
  ): void {
    entry.status = status;
    if (status >= 400) {
      const parsed = JSON.parse(body) as { code?: string; error?: string };
      entry.code = parsed.code ?? parsed.error;
    }
    send(res, status, body, contentType);
  }

  function send(res: ServerResponse, status: number, body: string, contentType = 'application/json'): void {
    const bytes = Buffer.from(body, 'utf8');
    res.statusCode = status;
    res.setHeader('Date', new Date(now()).toUTCString());
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', bytes.length);
    res.setHeader('LicenseSignature', signBody('sha256', bytes, keys.privateKey).toString('base64'));
    res.end(bytes);
  }

  function drop(req: IncomingMessage, entry: RequestLogEntry): void {
    entry.status = 'dropped';
    req.socket.destroy();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${certificate ? 'https' : 'http'}://${urlHost}:${address.port}`;
  Object.assign(emulator, {
    url,
    caFile: certificate?.ca.caFile,
    apiBaseUrl: `${url}${API_PREFIX}`,
    tokenUrl: `${url}${TOKEN_PATH}`,
    port: address.port,
    state,
    faults,
    tokens,
    requests,
    publicKey: keys.publicKeyPem,
    selfCheckFailures,
    now,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  } satisfies Emulator);
  return emulator;
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

function endpointName(pathname: string): string {
  if (pathname === TOKEN_PATH) return 'token';
  if (pathname.startsWith(`${API_PREFIX}/`)) return pathname.slice(API_PREFIX.length + 1);
  return pathname;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJsonBody(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new EmulatorError('invalid_json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EmulatorError('invalid_json', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function isVariables(value: unknown): value is Record<string, VariableValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
