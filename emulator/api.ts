// The License API's answers without the transport: routing, the rate limiter, authorization and
// the endpoints, each answer checked against its schema. The HTTP server wraps it with faults,
// signatures and the request log; the fleet simulator calls it in-process on a virtual clock.
import { apiErrorBodySchema, oauthTokenSchema, wellKnownSchema, type VariableValue } from '../shared/wire.js';
import { authorizeRequest, type TokenStore } from './authorization.js';
import { answer, ENDPOINTS } from './endpoints.js';
import type { RateLimiter } from './rate-limit.js';
import { EmulatorError, type EmulatorState } from './state.js';

export const API_PREFIX = '/api/v4';
export const TOKEN_PATH = '/realms/user-portal/protocol/openid-connect/token';

export interface ApiRequest {
  method: string;
  url: URL;
  headers: { authorization?: string; date?: string };
  body: string;
  /** The client's address, for the per-IP limit. */
  ip: string;
}

export interface ApiAnswer {
  status: number;
  body: string;
  contentType?: string;
  /** Set on a rate-limit refusal: the `Retry-After` header, in seconds. */
  retryAfterSeconds?: number;
  /** What the request named, for the request log. */
  product?: string;
  hardwareId?: string;
  variables?: Record<string, VariableValue>;
}

export interface ApiContext {
  state: EmulatorState;
  tokens: TokenStore;
  /** The server's clock, skew included. */
  now(): number;
  /** The API base URL and signing key that /.well-known announces. */
  wellKnown: { apiBaseUrl(): string; publicKeyPem: string };
  /** Enforce LicenseSpring's rate limits when set. */
  limiter?: () => RateLimiter | undefined;
  /** Where answers that fail the emulator's own schema check are reported. */
  selfCheckFailures: string[];
}

export function endpointName(pathname: string): string {
  if (pathname === TOKEN_PATH) return 'token';
  if (pathname.startsWith(`${API_PREFIX}/`)) return pathname.slice(API_PREFIX.length + 1);
  return pathname;
}

export function answerApiRequest(context: ApiContext, request: ApiRequest): ApiAnswer {
  const { method, url, body } = request;
  const endpoint = endpointName(url.pathname);
  // The token endpoint is the separate auth server's; the documented limits are the License API's.
  const limiter = endpoint === 'token' ? undefined : context.limiter?.();
  if (limiter) {
    const admission = limiter.admit({ ip: request.ip, authorization: request.headers.authorization }, context.now());
    if (!admission.admitted) {
      return {
        status: admission.status,
        body: errorBody(context, admission.status, 'too_many_requests', `Rate limit exceeded (${admission.scope}).`),
        retryAfterSeconds: admission.retryAfterSeconds,
      };
    }
  }
  if (endpoint === '.well-known' && method === 'GET') return json(context, 200, wellKnown(context), wellKnownSchema);
  if (endpoint === 'token' && method === 'POST') return tokenAnswer(context, body);
  const spec = ENDPOINTS[endpoint];
  if (!spec || !url.pathname.startsWith(`${API_PREFIX}/`))
    return { status: 404, body: errorBody(context, 404, 'not_found', 'No such endpoint.') };
  if (spec.method !== method)
    return { status: 405, body: errorBody(context, 405, 'method_not_allowed', `Use ${spec.method}.`) };
  const named: Pick<ApiAnswer, 'product' | 'hardwareId' | 'variables'> = {};
  try {
    const caller = authorizeRequest(request.headers, context.state.seed, context.tokens, context.now());
    const params = method === 'GET' ? Object.fromEntries(url.searchParams) : parseJsonBody(body);
    named.product = typeof params.product === 'string' ? params.product : undefined;
    named.hardwareId = typeof params.hardware_id === 'string' ? params.hardware_id : undefined;
    if (isVariables(params.variables)) named.variables = { ...params.variables };
    const result = answer(spec, context.state, { params, caller, now: context.now() });
    if (result.kind === 'text')
      return { ...named, status: 200, body: result.body, contentType: 'text/plain; charset=utf-8' };
    return { ...named, ...json(context, 200, result.body, result.schema) };
  } catch (error) {
    if (!(error instanceof EmulatorError)) throw error;
    return { ...named, status: error.status, body: errorBody(context, error.status, error.code, error.message) };
  }
}

/** The seed's error shape, checked. */
export function errorBody(
  context: Pick<ApiContext, 'selfCheckFailures'>,
  status: number,
  code: string,
  message: string,
): string {
  const body = { status, code, message };
  if (!apiErrorBodySchema.safeParse(body).success)
    context.selfCheckFailures.push(`error body ${code} does not match the schema`);
  return JSON.stringify(body);
}

function tokenAnswer(context: ApiContext, body: string): ApiAnswer {
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
  const client = context.state.seed.oauthClients.find(
    (candidate) => candidate.clientId === form.get('client_id') && candidate.clientSecret === form.get('client_secret'),
  );
  if (!client)
    return {
      status: 401,
      body: JSON.stringify({ error: 'invalid_client', error_description: 'Invalid client credentials' }),
    };
  const token = {
    access_token: context.tokens.issue(client.clientId, client.tokenLifetimeSeconds, context.now()),
    expires_in: client.tokenLifetimeSeconds,
    refresh_expires_in: 0,
    token_type: 'Bearer',
    'not-before-policy': 0,
    scope: 'profile email',
  };
  return json(context, 200, token, oauthTokenSchema);
}

function wellKnown(context: ApiContext): unknown {
  return {
    api_base_url: context.wellKnown.apiBaseUrl(),
    supported_api_versions: ['v4'],
    default_api_version: 'v4',
    version: 'varsync-emulator',
    timestamp: context.now(),
    pub_key: context.wellKnown.publicKeyPem,
    endpoints: Object.fromEntries(Object.entries(ENDPOINTS).map(([name, spec]) => [name, { method: spec.method }])),
  };
}

/** Serialize an answer after checking it against its schema: the emulator must never send a shape the API does not. */
function json(
  context: ApiContext,
  status: number,
  body: unknown,
  schema: { safeParse(value: unknown): { success: boolean; error?: unknown } },
): ApiAnswer {
  const checked = schema.safeParse(body);
  if (!checked.success) {
    context.selfCheckFailures.push(`answer of status ${status} does not match its schema: ${String(checked.error)}`);
    return { status: 500, body: errorBody(context, 500, 'internal_error', 'Emulator produced an invalid answer.') };
  }
  return { status, body: JSON.stringify(body) };
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
