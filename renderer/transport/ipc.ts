// The AgentApi as Electron's preload exposes it (window.varsync, built from shared/ipc.ts).
import type { AgentApi } from '../../shared/agent-api.js';
import { AGENT_API_METHODS } from '../../shared/ipc-channels.js';
import type { Transport } from './transport.js';

/** Whether the value is the preload's bridge (every AgentApi method present). */
export function isAgentApi(value: unknown): value is AgentApi {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return AGENT_API_METHODS.every((method) => typeof candidate[method] === 'function');
}

export function createIpcTransport(bridge: AgentApi): Transport {
  return { kind: 'ipc', api: bridge, canOpenLogsFolder: true };
}
