// One virtual clock for many sync engines: `now`, and timers kept in a heap and fired in time
// order, with the promise work each one starts run to completion before time moves on. Nothing
// here waits for real time, so an hour of a fleet runs as fast as the engines can compute.
import type { EngineTimers } from '../../main/core/sync/engine.js';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

export class VirtualClock {
  private time: number;
  private heap: Timer[] = [];
  private seq = 0;
  readonly timers: EngineTimers;
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
    this.timers = {
      setTimeout: (callback, ms) => this.at(this.time + Math.max(0, ms), callback),
      clearTimeout: (handle) => {
        if (handle) (handle as Timer).cancelled = true;
      },
    };
  }

  /** Run `callback` at virtual time `at` (not before now). */
  at(at: number, callback: () => void): Timer {
    const quantized = Math.ceil(at / this.resolutionMs) * this.resolutionMs;
    const timer = { at: Math.max(quantized, this.time), seq: this.seq++, callback, cancelled: false };
    this.push(timer);
    return timer;
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
