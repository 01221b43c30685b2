// The IPC channel names and which AgentApi method each carries: the table the preload is built
// from. Kept free of zod so the sandboxed preload stays tiny; the argument schemas that main
// checks on arrival are in ipc.ts.
import type { AgentApi } from './agent-api.js';

/** Invoke channel -> the AgentApi method it carries. */
export const IPC_METHOD = {
  'agent:get-status': 'getStatus',
  'agent:get-variables': 'getVariables',
  'agent:get-changes': 'getChanges',
  'agent:get-first-screen': 'getFirstScreen',
  'agent:get-dead-letters': 'getDeadLetters',
  'agent:sync-now': 'syncNow',
  'agent:pause': 'pause',
  'agent:resume': 'resume',
  'agent:retry-dead-letters': 'retryDeadLetters',
  'agent:discard-dead-letters': 'discardDeadLetters',
  'agent:open-logs-folder': 'openLogsFolder',
  'agent:get-activity': 'getActivity',
  'agent:get-attempt-log': 'getAttemptLog',
  'agent:check-network': 'checkNetwork',
} as const satisfies Record<string, Exclude<keyof AgentApi, 'onChange'>>;

export type IpcInvokeChannel = keyof typeof IPC_METHOD;

/** An AgentApi method that no channel carries: none (a method added without a channel fails the check below). */
type UncarriedMethod = Exclude<keyof AgentApi, (typeof IPC_METHOD)[IpcInvokeChannel] | 'onChange'>;
export const IPC_CARRIES_EVERY_METHOD: [UncarriedMethod] extends [never] ? true : never = true;

/** Every AgentApi method: one per channel, plus onChange (the change event). */
export const AGENT_API_METHODS: ReadonlyArray<keyof AgentApi> = [...Object.values(IPC_METHOD), 'onChange'];

/** Main -> renderer: the agent changed; the renderer asks for what it shows. */
export const IPC_CHANGED_EVENT = 'agent:changed';
