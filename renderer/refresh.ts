// Coalesced refreshing: change notifications can arrive in bursts (one per queued variable), but
// the window only needs the latest picture. At most one refresh runs at a time, a change that
// arrives during one causes exactly one more, and refreshes start at most once per `minGapMs`
// (the first after a quiet spell starts at once). Actions the user took refresh at once.
import { systemClock, type Clock } from '../shared/clock.js';

export interface Refresher {
  /** Something changed: refresh soon, merged with any other request in the same window. */
  request(): void;
  /** Refresh now (after the one in flight), e.g. after the user's own action; resolves when done. */
  now(): Promise<void>;
  dispose(): void;
}

/** `run` must not throw: it reports its own errors. */
export function createRefresher(run: () => Promise<void>, minGapMs = 1_000, clock: Clock = systemClock): Refresher {
  let inFlight: Promise<void> | null = null;
  let dirty = false;
  let timer: unknown = null;
  let lastStart = -Infinity;
  let disposed = false;

  function clearTimer(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  }

  function start(): Promise<void> {
    clearTimer();
    dirty = false;
    lastStart = clock.now();
    const current = run()
      .catch(() => undefined)
      .finally(() => {
        if (inFlight === current) inFlight = null;
        if (dirty && !disposed) {
          dirty = false;
          request();
        }
      });
    inFlight = current;
    return current;
  }

  function request(): void {
    if (disposed) return;
    if (inFlight) {
      dirty = true;
      return;
    }
    if (timer !== null) return;
    const wait = lastStart + minGapMs - clock.now();
    if (wait <= 0) void start();
    else
      timer = clock.setTimeout(() => {
        timer = null;
        if (!disposed) request();
      }, wait);
  }

  async function now(): Promise<void> {
    if (disposed) return;
    clearTimer();
    const running = inFlight;
    if (running) {
      await running;
      // Someone else started a fresh one meanwhile: it began after this call, so it will do.
      if (inFlight) return inFlight;
    }
    return start();
  }

  return {
    request,
    now,
    dispose: () => {
      disposed = true;
      clearTimer();
    },
  };
}
