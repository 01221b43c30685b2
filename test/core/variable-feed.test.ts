// The variables' change feed (main/core/variable-feed.ts) and the window's side of it
// (renderer/variable-list.ts): a page that applies each answer to what it holds always ends up
// with the agent's list, however the list changed and however often the page asked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../main/core/agent.js';
import { VariableFeed } from '../../main/core/variable-feed.js';
import { applyVariableChanges } from '../../renderer/variable-list.js';
import { compareNames, type VariableView } from '../../shared/variables.js';
import { startEmulator } from '../../emulator/index.js';
import { emulatorConfig, tempDir } from '../helpers/agent.js';

const view = (name: string, value: string, state: VariableView['state'] = 'pending'): VariableView => ({
  name,
  value,
  type: 'string',
  state,
  updatedAt: '2026-12-06T10:00:00.000Z',
  syncedAt: null,
});

/** A feed over a list the test sets. */
function fakeAgent() {
  let list: VariableView[] = [];
  const feed = new VariableFeed(() => list.slice());
  return {
    feed,
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

describe('the variables change feed', () => {
  it('sends the whole list first, then only what changed, and nothing when nothing did', () => {
    const agent = fakeAgent();
    agent.set({ a: '1', b: '2', c: '3' });
    const first = agent.feed.changesSince(null);
    expect(first).toMatchObject({ full: true, removed: [] });
    expect(first.variables.map((variable) => variable.name)).toEqual(['a', 'b', 'c']);

    agent.set({ a: '1', b: 'two', c: '3', d: '4' });
    const second = agent.feed.changesSince(first.cursor);
    expect(second).toMatchObject({ full: false, removed: [] });
    expect(second.variables.map((variable) => [variable.name, variable.value])).toEqual([
      ['b', 'two'],
      ['d', '4'],
    ]);

    agent.set({ a: '1', b: 'two', d: '4' });
    const third = agent.feed.changesSince(second.cursor);
    expect(third).toMatchObject({ full: false, variables: [], removed: ['c'] });

    const quiet = agent.feed.changesSince(third.cursor);
    expect(quiet).toEqual({ cursor: third.cursor, full: false, variables: [], removed: [] });
  });

  it('sends the whole list for a cursor it cannot serve: another run, from the future, or older than it keeps', () => {
    const agent = fakeAgent();
    agent.set({ a: '1' });
    const { cursor } = agent.feed.changesSince(null);
    const other = fakeAgent();
    other.set({ a: '1' });
    expect(other.feed.changesSince(cursor).full).toBe(true);
    expect(agent.feed.changesSince(`${cursor.split(':')[0]}:99`).full).toBe(true);
    expect(agent.feed.changesSince('not a cursor').full).toBe(true);
    for (let version = 0; version < 70; version++) {
      agent.set({ a: String(version) });
      agent.feed.changesSince(null);
    }
    const stale = agent.feed.changesSince(cursor);
    expect(stale.full).toBe(true);
    expect(stale.variables).toEqual(agent.list);
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
        const agent = fakeAgent();
        let held: readonly VariableView[] | null = null;
        let cursor: string | null = null;
        for (const { list, pageAsks, pageRestarts } of steps) {
          agent.set(list);
          if (pageRestarts) [held, cursor] = [null, null];
          if (!pageAsks) continue;
          const changes = agent.feed.changesSince(cursor);
          held = applyVariableChanges(held, changes);
          cursor = changes.cursor;
          expect(held).toEqual(agent.list);
        }
      }),
    );
  });

  it('leaves every unchanged row the same object, and the list itself when nothing changed', () => {
    const agent = fakeAgent();
    agent.set({ a: '1', b: '2', c: '3' });
    const first = agent.feed.changesSince(null);
    const held = applyVariableChanges(null, first);
    agent.set({ a: '1', b: 'two', c: '3' });
    const next = applyVariableChanges(held, agent.feed.changesSince(first.cursor));
    expect(next[0]).toBe(held[0]);
    expect(next[1]).not.toBe(held[1]);
    expect(next[2]).toBe(held[2]);
    expect(applyVariableChanges(next, { cursor: 'x', full: false, variables: [], removed: [] })).toBe(next);
  });

  it("follows a real agent's store: a set, then the server's confirmation", async () => {
    const emulator = await startEmulator();
    const agent = Agent.open({ config: emulatorConfig(emulator, tempDir(), { hardwareId: 'feed-device' }) });
    try {
      const feed = new VariableFeed(() => agent.variables());
      agent.set({ color: 'blue', seats: 3 });
      const first = feed.changesSince(null);
      expect(first.variables.map(({ name, state }) => [name, state])).toEqual([
        ['color', 'pending'],
        ['seats', 'pending'],
      ]);
      agent.set({ color: 'red' });
      const second = feed.changesSince(first.cursor);
      expect(second.variables.map(({ name, value }) => [name, value])).toEqual([['color', 'red']]);
      await agent.activate();
      expect((await agent.syncNow()).outcome).toBe('drained');
      const third = feed.changesSince(second.cursor);
      expect(third.variables.map(({ name, state }) => [name, state])).toEqual([
        ['color', 'synced'],
        ['seats', 'synced'],
      ]);
      expect(applyVariableChanges(applyVariableChanges(first.variables, second), third)).toEqual(agent.variables());
    } finally {
      await agent.close();
      await emulator.close();
    }
  });
});
