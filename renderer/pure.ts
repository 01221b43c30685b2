// Sections of the window that render again only when one of their props changed (compared one by
// one, by identity), not every time the window does: a change to one value refreshes the status,
// and the refused values, the activity and the self-test need not run their components for it.
// Their callbacks must then keep their identity too (useStableCallback).
import { Component, h, type FunctionComponent } from 'preact';
import { useRef } from 'preact/hooks';

/** Whether two objects have the same keys with identical values (one level deep). */
export function shallowEqual(previous: object, next: object): boolean {
  const before = previous as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const keys = Object.keys(after);
  if (Object.keys(before).length !== keys.length) return false;
  return keys.every((key) => before[key] === after[key]);
}

/** `section`, rendered again only when a prop changed (its own state and context still render it). */
export function pure<P extends object>(section: FunctionComponent<P>): FunctionComponent<P> {
  class Pure extends Component<P> {
    static override displayName = `pure(${section.displayName ?? section.name})`;
    override shouldComponentUpdate(next: P): boolean {
      return !shallowEqual(this.props, next);
    }
    override render() {
      return h(section, this.props);
    }
  }
  return Pure as unknown as FunctionComponent<P>;
}

/** A function whose identity never changes and that always calls the latest `callback`. */
export function useStableCallback<A extends unknown[], R>(callback: (...args: A) => R): (...args: A) => R {
  const latest = useRef(callback);
  latest.current = callback;
  return useRef((...args: A) => latest.current(...args)).current;
}
