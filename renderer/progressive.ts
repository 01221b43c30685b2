// Showing a long list without blocking the page: rows already on screen stay, and at most
// `budget` new ones are added per task, in list order, until the whole list is shown. Widening a
// filter over a thousand names then costs a few short tasks instead of one long one, and the
// keystroke that caused it paints at once.
import { useEffect, useRef, useState } from 'preact/hooks';

export function useProgressiveList<T>(list: readonly T[], keyOf: (item: T) => string, budget: number): T[] {
  const shownKeys = useRef<ReadonlySet<string>>(new Set());
  const [, setTick] = useState(0);

  const result: T[] = [];
  let added = 0;
  let held = false;
  for (const item of list) {
    if (shownKeys.current.has(keyOf(item))) result.push(item);
    else if (added < budget) {
      result.push(item);
      added += 1;
    } else held = true;
  }

  useEffect(() => {
    shownKeys.current = new Set(result.map(keyOf));
    if (!held) return;
    const timer = setTimeout(() => setTick((tick) => tick + 1), 0);
    return () => clearTimeout(timer);
  });

  return result;
}
