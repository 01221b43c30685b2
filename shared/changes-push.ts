// The one check of a pushed change (ChangesPush) that arrives from outside the page's own code: the
// event stream's data (renderer/transport/change-stream.ts) and the IPC event (main/preload). What
// fails it is treated as a bare "something changed": the page asks.
import type { ChangesPush } from './agent-api.js';

export function isChangesPush(value: unknown): value is ChangesPush {
  const push = value as Partial<ChangesPush> | null | undefined;
  return typeof push?.since === 'string' && typeof push.changes?.cursor === 'string';
}
