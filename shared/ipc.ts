// The typed IPC channel map shared by preload and main: each channel's arguments (checked with
// zod on arrival in main, never trusted) and its result type. Nothing else crosses.
import { z } from 'zod';
import type { AgentApi } from './agent-api.js';
import { NAME_MAX_CHARS } from './variables.js';

/** Names of dead letters to retry or discard; absent means all. Shared by IPC and the HTTP API. */
export const deadLetterNamesSchema = z.array(z.string().min(1).max(NAME_MAX_CHARS)).max(100_000).optional();
const names = deadLetterNamesSchema;

/** Invoke channels: name -> the zod schema of its argument tuple. */
export const IPC_INVOKE = {
  'agent:get-status': z.tuple([]),
  'agent:get-variables': z.tuple([]),
  'agent:get-dead-letters': z.tuple([]),
  'agent:sync-now': z.tuple([]),
  'agent:pause': z.tuple([]),
  'agent:resume': z.tuple([]),
  'agent:retry-dead-letters': z.tuple([names]),
  'agent:discard-dead-letters': z.tuple([names]),
  'agent:open-logs-folder': z.tuple([]),
} as const;

export type IpcInvokeChannel = keyof typeof IPC_INVOKE;

/** Which AgentApi method each channel carries, so preload and main are built from one table. */
export const IPC_METHOD: Record<IpcInvokeChannel, Exclude<keyof AgentApi, 'onChange'>> = {
  'agent:get-status': 'getStatus',
  'agent:get-variables': 'getVariables',
  'agent:get-dead-letters': 'getDeadLetters',
  'agent:sync-now': 'syncNow',
  'agent:pause': 'pause',
  'agent:resume': 'resume',
  'agent:retry-dead-letters': 'retryDeadLetters',
  'agent:discard-dead-letters': 'discardDeadLetters',
  'agent:open-logs-folder': 'openLogsFolder',
};

/** Main -> renderer: the agent changed; the renderer asks for what it shows. */
export const IPC_CHANGED_EVENT = 'agent:changed';
