// The typed IPC channel map shared by preload and main: each channel's arguments, checked with
// zod on arrival in main and never trusted. The channel table itself is in ipc-channels.ts.
import { z } from 'zod';
import { FIRST_SCREEN_MAX_ROWS } from './agent-api.js';
import { NAME_MAX_CHARS } from './variables.js';
import type { IpcInvokeChannel } from './ipc-channels.js';

export { IPC_CHANGED_EVENT, IPC_METHOD, type IpcInvokeChannel } from './ipc-channels.js';

/** Names of dead letters to retry or discard; absent means all. Shared by IPC and the HTTP API. */
export const deadLetterNamesSchema = z.array(z.string().min(1).max(NAME_MAX_CHARS)).max(100_000).optional();

/** A sync attempt's correlation ID (8 hex digits today; a little room for other forms). IPC, the HTTP API and `varsync logs --attempt`. */
export const CORRELATION_ID_PATTERN = /^[0-9a-z-]{1,64}$/i;
export const correlationIdSchema = z.string().regex(CORRELATION_ID_PATTERN);

/** A cursor of `getChanges` (main/core/change-feed.ts), or null for everything. IPC and the HTTP API. */
export const changesCursorSchema = z.string().max(80).nullable();

/** The name a status page gives its getChanges calls and its event stream, so that pushes follow on from its answers. */
export const pageNameSchema = z.string().regex(/^[\w-]{8,64}$/);

/** How many rows of the list getFirstScreen gives. IPC and the HTTP API. */
export const firstScreenRowsSchema = z.number().int().min(1).max(FIRST_SCREEN_MAX_ROWS);

/** Invoke channel -> the zod schema of its argument tuple. */
export const IPC_INVOKE = {
  'agent:get-status': z.tuple([]),
  'agent:get-variables': z.tuple([]),
  'agent:get-changes': z.tuple([changesCursorSchema]),
  'agent:get-first-screen': z.tuple([firstScreenRowsSchema]),
  'agent:get-dead-letters': z.tuple([]),
  'agent:sync-now': z.tuple([]),
  'agent:pause': z.tuple([]),
  'agent:resume': z.tuple([]),
  'agent:retry-dead-letters': z.tuple([deadLetterNamesSchema]),
  'agent:discard-dead-letters': z.tuple([deadLetterNamesSchema]),
  'agent:open-logs-folder': z.tuple([]),
  'agent:get-activity': z.tuple([]),
  'agent:get-attempt-log': z.tuple([correlationIdSchema]),
  'agent:check-network': z.tuple([]),
} as const satisfies Record<IpcInvokeChannel, z.ZodType>;
