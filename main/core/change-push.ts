// Answers sent along with a change, to a page that listens (the status page's event stream, the
// window over IPC): each is the feed's answer since the previous one sent to that page, so that a
// page which applied that one needs no request of its own. A page that asked in between holds
// another cursor, and asks again. Bursts of changes (one per queued value) are sent as one.
import type { ChangesPush } from '../../shared/agent-api.js';
import type { Agent } from './agent.js';
import type { ChangeFeed } from './change-feed.js';

/** How long a burst of the agent's changes is gathered before one push is sent. */
export const CHANGE_COALESCE_MS = 100;

export class ChangePusher {
  private cursor: string;

  /** Starts from what the agent shows now: the page's first answer, asked at the same moment, has this cursor. */
  constructor(private readonly feed: ChangeFeed) {
    this.cursor = feed.changesSince(null).cursor;
  }

  next(): ChangesPush {
    const since = this.cursor;
    const changes = this.feed.changesSince(since);
    this.cursor = changes.cursor;
    return { since, changes };
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
