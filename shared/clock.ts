// Time for code that waits: the one clock type the core and the window take, so tests and the
// fleet simulator (bench/fleet/virtual-clock.ts) can run them on a virtual clock. Code that only
// reads the time takes a plain `() => number` instead.

/** The time, and timers whose handles only the same clock understands. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  /** Ignores a handle that already fired, was cleared, or is undefined. */
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

type Handle = ReturnType<typeof setTimeout>;

/** The real clock: Date.now and the platform's timers (Node's or the browser's). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as Handle),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as Handle),
};
