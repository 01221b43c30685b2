// When to send a page the changes unasked (the status page's event stream, the window over IPC):
// once per burst of the agent's changes (one per queued value). What is sent is the feed's
// (ChangeFeed.pushFor): the answer since the last one that page was given, asked for or pushed, so
// the page applies it without a request of its own. Only when the two cross on their way does the
// page find another cursor than the push's, and ask.
import type { Agent } from './agent.js';

/** How long a burst of the agent's changes is gathered before one push is sent. */
export const CHANGE_COALESCE_MS = 100;

/** Calls `send` once per burst of the agent's changes, CHANGE_COALESCE_MS after its first; returns the function that stops. */
export function onChangeBursts(agent: Pick<Agent, 'on' | 'off'>, send: () => void): () => void {
  let pending: ReturnType<typeof setTimeout> | undefined;
  const onChange = () => {
    pending ??= setTimeout(() => {
      pending = undefined;
      send();
    }, CHANGE_COALESCE_MS);
  };
  agent.on('change', onChange);
  return () => {
    agent.off('change', onChange);
    clearTimeout(pending);
  };
}
