// One virtual clock for many sync engines: `now`, and timers kept in a heap and fired in time
// order, with the promise work each one starts run to completion before time moves on. Nothing
// here waits for real time, so an hour of a fleet runs as fast as the engines can compute.
import type { Clock } from '../../shared/clock.js';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  private time: number;
  private heap: Timer[] = [];
  private seq = 0;
  readonly now = (): number => this.time;

  /**
   * `resolutionMs`: timers fire on multiples of it (rounded up), so that a large fleet's timers
   * share instants and the promise work between instants is settled fewer times.
   */
  constructor(
    start: number,
    private readonly resolutionMs = 1,
  ) {
    this.time = start;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    return this.at(this.time + Math.max(0, ms), callback);
  }

  clearTimeout(handle: unknown): void {
    if (handle) (handle as Timer).cancelled = true;
  }

  /** The handle stays the same across repeats, so clearInterval cancels the next one. */
  setInterval(callback: () => void, ms: number): Timer {
    const period = Math.max(1, ms);
    const timer = this.at(this.time + period, () => {
      callback();
      if (!timer.cancelled) this.schedule(timer, this.time + period);
    });
    return timer;
  }

  clearInterval(handle: unknown): void {
    this.clearTimeout(handle);
  }

  /** Run `callback` at virtual time `at` (not before now). */
  at(at: number, callback: () => void): Timer {
    const timer = { at, seq: 0, callback, cancelled: false };
    this.schedule(timer, at);
    return timer;
  }

  private schedule(timer: Timer, at: number): void {
    const quantized = Math.ceil(at / this.resolutionMs) * this.resolutionMs;
    timer.at = Math.max(quantized, this.time);
    timer.seq = this.seq++;
    this.push(timer);
  }

  /** A promise that resolves `ms` of virtual time from now. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.at(this.time + ms, resolve));
  }

  /** Timers not yet fired or cancelled. */
  get pending(): number {
    return this.heap.filter((timer) => !timer.cancelled).length;
  }

  /**
   * Fire every timer due up to `until`, in order; after each instant, let the promise chains the
   * timers started settle (they may set new timers, even for the same instant).
   */
  async runUntil(until: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.heap[0];
      if (!next || next.at > until) break;
      this.time = next.at;
      while (this.heap.length > 0 && this.heap[0]!.at === this.time) {
        const timer = this.pop()!;
        if (!timer.cancelled) timer.callback();
      }
      await settle();
    }
    this.time = Math.max(this.time, until);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && earlier(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && earlier(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

function earlier(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Every promise reaction queued so far (and those they queue) runs before this resolves. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
