// The virtual clock is the shared Clock the engines, the engine host and the collectors take: its
// timers fire in virtual-time order, intervals repeat until cleared, and nothing waits for real time.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../bench/fleet/virtual-clock.js';

describe('virtual clock', () => {
  it('fires timeouts in time order and skips cleared ones', async () => {
    const clock = new VirtualClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.clearTimeout(clock.setTimeout(() => fired.push('cleared'), 5));
    await clock.runUntil(1_100);
    expect(fired).toEqual(['a@1010', 'b@1020']);
    expect(clock.now()).toBe(1_100);
  });

  it('repeats an interval every period until it is cleared', async () => {
    const clock = new VirtualClock(0);
    const ticks: number[] = [];
    const handle = clock.setInterval(() => ticks.push(clock.now()), 30);
    await clock.runUntil(100);
    expect(ticks).toEqual([30, 60, 90]);
    clock.clearInterval(handle);
    await clock.runUntil(200);
    expect(ticks).toEqual([30, 60, 90]);
    expect(clock.pending).toBe(0);
  });
});
