// A page's first screen reads only the rows that can be among the first (VariableStore.firstViews):
// it must be exactly the start of the whole view, in the view's order (UTF-16 code units), whatever
// the names and whichever table holds them: confirmed, pending, pending over a confirmed value, or
// refused.
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../main/core/store/database.js';
import { VariableStore } from '../../main/core/store/variable-store.js';
import { tempDir } from '../helpers/agent.js';

type Place = 'confirmed' | 'pending' | 'pendingOverConfirmed' | 'refused';

const opened: { database: OpenedDatabase; dir: string }[] = [];

function freshStore(): VariableStore {
  const dir = tempDir('varsync-first-views-');
  const database = openDatabase(dir);
  opened.push({ database, dir });
  return new VariableStore(database.db, Date.now);
}

afterEach(() => {
  for (const { database, dir } of opened.splice(0)) {
    database.db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Puts each name where `place` says, through the store's own operations. */
function fill(store: VariableStore, names: Map<string, Place>): void {
  const confirmFirst = [...names].filter(([, place]) => place !== 'pending').map(([name]) => name);
  store.set(Object.fromEntries(confirmFirst.map((name) => [name, `old ${name}`])));
  store.acknowledge(store.pending(names.size), []);
  const queued = [...names].filter(([, place]) => place !== 'confirmed').map(([name]) => name);
  store.set(Object.fromEntries(queued.map((name) => [name, `new ${name}`])));
  for (const entry of store.pending(names.size))
    if (names.get(entry.name) === 'refused') store.deadLetter(entry, 'validation_error', 'refused');
}

// Characters whose order differs between UTF-16 (the view's) and code points (SQLite's): U+E000 to
// U+FFFF against those past U+FFFF, with plain ones around them.
const CHARACTERS = ['a', 'b', 'z', 'A', '-', 'é', '\u{E000}', '\u{FF21}', '\u{FFFD}', '\u{10000}', '😀', '\u{10FFFF}'];
const nameArbitrary = fc
  .array(fc.constantFrom(...CHARACTERS), { minLength: 1, maxLength: 4 })
  .map((characters) => characters.join(''))
  .filter((name) => name.trim() === name);
const placeArbitrary = fc.constantFrom<Place>('confirmed', 'pending', 'pendingOverConfirmed', 'refused');

describe('the first rows of the view, read alone', () => {
  it('are the start of the whole view, with its count, for any names, places and lengths', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(nameArbitrary, placeArbitrary), { selector: ([name]) => name, maxLength: 40 }),
        fc.integer({ min: 1, max: 45 }),
        (entries, limit) => {
          const store = freshStore();
          fill(store, new Map(entries));
          const whole = store.view();
          expect(whole).toHaveLength(entries.length);
          expect(store.firstViews(limit)).toEqual({ first: whole.slice(0, limit), total: whole.length });
        },
      ),
      { seed: 20_261_207, numRuns: 60 },
    );
  });

  it("puts a name with a character past U+FFFF before one with U+FFFD, as the view's order does", () => {
    const store = freshStore();
    // SQLite's order puts 😀 (U+1F600) last; UTF-16's puts it before U+FFFD and U+E000.
    fill(
      store,
      new Map<string, Place>([
        ['a\u{FFFD}', 'confirmed'],
        ['a\u{E000}', 'pending'],
        ['a😀', 'refused'],
        ['b', 'confirmed'],
      ]),
    );
    const { first, total } = store.firstViews(2);
    expect(first.map(({ name, state }) => [name, state])).toEqual([
      ['a😀', 'failed'],
      ['a\u{E000}', 'pending'],
    ]);
    expect(total).toBe(4);
  });
});
