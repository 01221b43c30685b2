// Operating-system hints that now is a good time to sync. They are hints only (DESIGN.md): the
// engine probes the API before believing the network is back. After sleep, backoff is forgotten.
import { net, powerMonitor } from 'electron';
import type { Agent } from '../core/agent.js';
import type { Logger } from '../core/log.js';

/** net.isOnline() is cheap, but a change of network is rare: a slow poll is enough. */
export const ONLINE_POLL_MS = 30_000;

export function setupSyncTriggers(agent: Agent, log: Logger, pollMs = ONLINE_POLL_MS): () => void {
  const onResume = () => {
    const status = agent.status();
    if (!status.engine.here || status.paused) return;
    log.info('system resumed: syncing now');
    agent
      .syncNow(undefined, { trigger: 'resume' })
      .catch((error: Error) => log.warn(`sync after resume: ${error.message}`));
  };
  powerMonitor.on('resume', onResume);

  let online = net.isOnline();
  const poll = setInterval(() => {
    const now = net.isOnline();
    if (now && !online) {
      log.info('the network is back: checking the License API');
      agent.connectivityHint();
    }
    online = now;
  }, pollMs);
  poll.unref?.();

  return () => {
    powerMonitor.off('resume', onResume);
    clearInterval(poll);
  };
}
