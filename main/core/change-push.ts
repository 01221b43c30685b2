// Answers sent along with a change, to a page that listens (the status page's event stream, the
// window over IPC): each is the feed's answer since the last one that page was given, asked for or
// pushed (the feed keeps it per page), so the page applies it without a request of its own. Only
// when the two cross on their way does the page find another cursor than the push's, and ask.
// Bursts of changes (one per queued value) are sent as one.
import type { ChangesPush } from '../../shared/agent-api.js';
import type { Agent } from './agent.js';
import type { ChangeFeed } from './change-feed.js';

/** How long a burst of the agent's changes is gathered before one push is sent. */
export const CHANGE_COALESCE_MS = 100;

export class ChangePusher {
  constructor(
    private readonly feed: ChangeFeed,
    /** The name the page gives with its own getChanges calls. */
    private readonly page: string,
  ) {}

  /** The changes since the page's last answer; null while it has had none (it asks for its first). */
  next(): ChangesPush | null {
    const since = this.feed.cursorOf(this.page);
    if (since === undefined) return null;
    return { since, changes: this.feed.changesSince(since, this.page) };
  }
}

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
