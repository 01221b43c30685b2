// The change feed (main/core/change-feed.ts, variable-feed.ts) and the window's side of it
// (renderer/variable-list.ts): a page that applies each answer to what it holds always ends up
// with the agent's list, however the list changed and however often the page asked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.js';
import { Agent } from '../../main/core/agent.js';
import { ChangeFeed } from '../../main/core/change-feed.js';
import { VariableFeed } from '../../main/core/variable-feed.js';
import { applyVariableChanges } from '../../renderer/variable-list.js';
import type { DeadLetterView, StatusView } from '../../shared/agent-api.js';
import { compareNames, type VariableView } from '../../shared/variables.js';
import { emulatorConfig, tempDir } from '../helpers/agent.js';
import { rowsOf } from '../helpers/changes.js';

const view = (name: string, value: string): VariableView => ({
  name,
  value,
  type: 'string',
  state: 'pending',
  updatedAt: '2026-12-06T10:00:00.000Z',
  syncedAt: null,
});

/** A list the test sets, and a feed over it. */
function fakeList() {
  let list: VariableView[] = [];
  return {
    feed: new VariableFeed(() => list.slice()),
    set(next: Record<string, string>) {
      list = Object.entries(next)
        .map(([name, value]) => view(name, value))
        .sort((a, b) => compareNames(a.name, b.name));
    },
    get list() {
      return list;
    },
  };
}

describe('the variables feed', () => {
  it('sends the whole list first, then only what changed, and nothing when nothing did', () => {
    const agent = fakeList();
    agent.set({ a: '1', b: '2', c: '3' });
    const first = agent.feed.changesSince(undefined);
    expect(first.changes.full).toBe(true);
    expect(rowsOf(first.changes).map((variable) => variable.name)).toEqual(['a', 'b', 'c']);

    agent.set({ a: '1', b: 'two', c: '3', d: '4' });
    const second = agent.feed.changesSince(first.version);
    expect(second.changes).toMatchObject({ full: false, removed: [] });
    expect(rowsOf(second.changes).map((variable) => [variable.name, variable.value])).toEqual([
      ['b', 'two'],
      ['d', '4'],
    ]);

    agent.set({ a: '1', b: 'two', d: '4' });
    const third = agent.feed.changesSince(second.version);
    expect(third.changes).toEqual({ full: false, variables: [], removed: ['c'] });

    expect(agent.feed.changesSince(third.version)).toEqual({
      version: third.version,
      changes: { full: false, variables: [], removed: [] },
    });
  });

  it('sends the whole list for a version it cannot serve: from the future, or older than it keeps', () => {
    const agent = fakeList();
    agent.set({ a: '1' });
    const { version } = agent.feed.changesSince(undefined);
    expect(agent.feed.changesSince(version + 1).changes.full).toBe(true);
    for (let step = 0; step < 70; step++) {
      agent.set({ a: String(step) });
      agent.feed.changesSince(undefined);
    }
    const stale = agent.feed.changesSince(version).changes;
    expect(stale.full).toBe(true);
    expect(rowsOf(stale)).toEqual(agent.list);
  });

  it('keeps a page that applies every answer in step with the list, whatever the changes and whenever it asks', () => {
    const names = ['a', 'B', 'b', 'é', 'seat-limit', 'seats', 'z'];
    const step = fc.record({
      list: fc.dictionary(fc.constantFrom(...names), fc.constantFrom('1', '2', '3'), { maxKeys: names.length }),
      pageAsks: fc.boolean(),
      pageRestarts: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const agent = fakeList();
        let held: readonly VariableView[] | null = null;
        let version: number | undefined;
        for (const { list, pageAsks, pageRestarts } of steps) {
          agent.set(list);
          if (pageRestarts) [held, version] = [null, undefined];
          if (!pageAsks) continue;
          const answer = agent.feed.changesSince(version);
          held = applyVariableChanges(held, answer.changes);
          version = answer.version;
          expect(held).toEqual(agent.list);
        }
      }),
    );
  });

  it('keeps it in step when one answer changes many names (one merge) as when it changes a few (a search each)', () => {
    // 150 names: two random lists differ in far more than the 64 names a search each is kept for.
    const names = Array.from({ length: 150 }, (_unused, index) => `n${String(index).padStart(3, '0')}`);
    // Each name absent ('') or with one of two values.
    const list = fc
      .array(fc.constantFrom('', '1', '2'), { minLength: names.length, maxLength: names.length })
      .map((values) =>
        Object.fromEntries(names.flatMap((name, index) => (values[index] ? [[name, values[index]]] : []))),
      );
    fc.assert(
      fc.property(fc.array(list, { minLength: 2, maxLength: 8 }), (lists) => {
        const agent = fakeList();
        let held: readonly VariableView[] | null = null;
        let version: number | undefined;
        for (const next of lists) {
          agent.set(next);
          const answer = agent.feed.changesSince(version);
          held = applyVariableChanges(held, answer.changes);
          version = answer.version;
          expect(held).toEqual(agent.list);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('leaves every unchanged row the same object, and the list itself when nothing changed', () => {
    const agent = fakeList();
    agent.set({ a: '1', b: '2', c: '3' });
    const first = agent.feed.changesSince(undefined);
    const held = applyVariableChanges(null, first.changes);
    agent.set({ a: '1', b: 'two', c: '3' });
    const next = applyVariableChanges(held, agent.feed.changesSince(first.version).changes);
    expect(next[0]).toBe(held[0]);
    expect(next[1]).not.toBe(held[1]);
    expect(next[2]).toBe(held[2]);
    expect(applyVariableChanges(next, { full: false, variables: [], removed: [] })).toBe(next);
  });
});

describe('the change feed', () => {
  const status = { state: 'pending', pending: 1 } as StatusView;
  const letter: DeadLetterView = {
    name: 'bad',
    value: 1,
    code: 'validation_error',
    message: 'refused',
    attempts: 1,
    firstFailedAt: 1,
    lastFailedAt: 1,
  };

  it('sends the refused values and the activity again only when they changed; a cursor of another run gets everything', () => {
    let deadLetters: DeadLetterView[] = [];
    const agent = {
      status: () => status,
      variables: () => [view('a', '1')],
      firstVariables: () => ({ first: [view('a', '1')], total: 1 }),
      deadLetters: () => deadLetters,
      activity: () => [],
    };
    const feed = new ChangeFeed(agent);
    const first = feed.changesSince(null);
    expect(first).toMatchObject({ status, variables: { full: true }, deadLetters: [], activity: [] });
    const second = feed.changesSince(first.cursor);
    expect(second).toMatchObject({ variables: { full: false, variables: [] }, deadLetters: null, activity: null });
    deadLetters = [letter];
    expect(feed.changesSince(second.cursor)).toMatchObject({ deadLetters: [letter], activity: null });
    const other = new ChangeFeed(agent).changesSince(second.cursor);
    expect(other.variables.full).toBe(true);
    expect(feed.changesSince('not:a:cursor').variables.full).toBe(true);
  });

  it("follows a real agent: a set, then the server's confirmation", async () => {
    const emulator = await startEmulator();
    const agent = Agent.open({ config: emulatorConfig(emulator, tempDir(), { hardwareId: 'feed-device' }) });
    try {
      const feed = new ChangeFeed(agent);
      agent.set({ color: 'blue', seats: 3 });
      const first = feed.changesSince(null);
      expect(rowsOf(first.variables).map(({ name, state }) => [name, state])).toEqual([
        ['color', 'pending'],
        ['seats', 'pending'],
      ]);
      agent.set({ color: 'red' });
      const second = feed.changesSince(first.cursor);
      expect(rowsOf(second.variables).map(({ name, value }) => [name, value])).toEqual([['color', 'red']]);
      expect(second.activity).toBeNull();
      await agent.activate();
      expect((await agent.syncNow()).outcome).toBe('drained');
      const third = feed.changesSince(second.cursor);
      expect(rowsOf(third.variables).map(({ name, state }) => [name, state])).toEqual([
        ['color', 'synced'],
        ['seats', 'synced'],
      ]);
      expect(third.status.pending).toBe(0);
      const held = applyVariableChanges(applyVariableChanges(null, first.variables), second.variables);
      expect(applyVariableChanges(held, third.variables)).toEqual(agent.variables());
    } finally {
      await agent.close();
      await emulator.close();
    }
  });

  it("gives a page's first screen: the first rows by name of the same list, how many there are, and no cursor", async () => {
    const emulator = await startEmulator();
    const agent = Agent.open({ config: emulatorConfig(emulator, tempDir(), { hardwareId: 'screen-device' }) });
    try {
      const feed = new ChangeFeed(agent);
      agent.set({ zeta: 1, alpha: 'a', mid: true, beta: 'b' });
      await agent.activate();
      agent.set({ alpha: 'changed' });
      const whole = feed.changesSince(null);
      const screen = feed.firstScreen(3);
      expect(screen.variables.total).toBe(4);
      expect(screen.variables.first).toEqual(rowsOf(whole.variables).slice(0, 3));
      expect(screen.variables.first.map(({ name, state }) => [name, state])).toEqual([
        ['alpha', 'pending'],
        ['beta', 'synced'],
        ['mid', 'synced'],
      ]);
      expect(screen.status).toEqual(whole.status);
      expect(screen.activity).toEqual(whole.activity);
      expect(screen.deadLetters).toEqual(whole.deadLetters);
      expect(screen).not.toHaveProperty('cursor');
      // More rows than there are: all of them.
      expect(feed.firstScreen(500).variables).toEqual({ first: rowsOf(whole.variables), total: 4 });
    } finally {
      await agent.close();
      await emulator.close();
    }
  });
});
