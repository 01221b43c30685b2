// Work that can wait for the page to be idle: after the frame the reader is waiting for.

/** The longest a task waits for the page to be idle. */
const IDLE_WAIT_MS = 100;

/**
 * Runs `task` once the page is idle (at most IDLE_WAIT_MS later), or at once where there is no
 * requestIdleCallback (Safari); returns the function that cancels it.
 */
export function whenIdle(task: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(task, { timeout: IDLE_WAIT_MS });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(task, 0);
  return () => clearTimeout(timer);
}
