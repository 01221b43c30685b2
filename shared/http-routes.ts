// The status page's HTTP API, the route table of the daemon's server (main/web/status-server.ts)
// and of the page's HTTP transport (renderer/transport/http.ts), as IPC_METHOD is for Electron:
// the AgentApi method each route carries. The path of a route is under API_BASE.
import type { AgentApi } from './agent-api.js';

export const API_BASE = '/api';

export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
}

/** AgentApi method -> its route (openLogsFolder and onChange have none: a page cannot open a folder; changes are events). */
export const HTTP_ROUTES = {
  getStatus: { method: 'GET', path: '/status' },
  getVariables: { method: 'GET', path: '/variables' },
  getChanges: { method: 'POST', path: '/changes' },
  getFirstScreen: { method: 'POST', path: '/first-screen' },
  getDeadLetters: { method: 'GET', path: '/dead-letters' },
  syncNow: { method: 'POST', path: '/sync' },
  pause: { method: 'POST', path: '/pause' },
  resume: { method: 'POST', path: '/resume' },
  retryDeadLetters: { method: 'POST', path: '/dead-letters/retry' },
  discardDeadLetters: { method: 'POST', path: '/dead-letters/discard' },
  getActivity: { method: 'GET', path: '/activity' },
  getAttemptLog: { method: 'POST', path: '/activity/log' },
  // POST: it sends requests (a DNS lookup, a connection, a handshake, GET /.well-known).
  checkNetwork: { method: 'POST', path: '/network-check' },
} as const satisfies Partial<Record<keyof AgentApi, HttpRoute>>;

export type HttpApiMethod = keyof typeof HTTP_ROUTES;

/** The server-sent events that say the agent changed. */
export const EVENTS_ROUTE = { method: 'GET', path: '/events' } as const satisfies HttpRoute;
