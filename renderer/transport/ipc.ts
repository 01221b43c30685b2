// The AgentApi as Electron's preload exposes it (window.varsync, built from shared/ipc.ts).
import type { AgentApi } from '../../shared/agent-api.js';
import type { Transport } from './transport.js';

// Every AgentApi method, so adding one to the interface without checking it here fails to compile.
const METHODS: Record<keyof AgentApi, true> = {
  getStatus: true,
  getVariables: true,
  getDeadLetters: true,
  syncNow: true,
  pause: true,
  resume: true,
  retryDeadLetters: true,
  discardDeadLetters: true,
  openLogsFolder: true,
  getActivity: true,
  getAttemptLog: true,
  onChange: true,
};

/** Whether the value is the preload's bridge (every AgentApi method present). */
export function isAgentApi(value: unknown): value is AgentApi {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return Object.keys(METHODS).every((method) => typeof candidate[method] === 'function');
}

export function createIpcTransport(bridge: AgentApi): Transport {
  return { kind: 'ipc', api: bridge, canOpenLogsFolder: true };
}
