// The whole list sent as columns (getChanges' first answer) comes back as the same rows, through
// JSON too: every type of value, states, times, and the refused values' errors at their places.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromColumns, toColumns } from '../../shared/variable-columns.js';
import type { VariableView } from '../../shared/variables.js';

const row: fc.Arbitrary<VariableView> = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 12 }),
    value: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    state: fc.constantFrom('synced' as const, 'pending' as const, 'failed' as const),
    updatedAt: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    syncedAt: fc.option(
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      { nil: null },
    ),
    code: fc.constantFrom('validation_error', 'too_long'),
  })
  .map(({ code, ...variable }) => ({
    ...variable,
    type: typeof variable.value as VariableView['type'],
    ...(variable.state === 'failed' ? { error: { code, message: `refused ${variable.name}` } } : {}),
  }));

describe('the variables as columns', () => {
  it('give back the same rows, also after JSON', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (list) => {
        expect(fromColumns(toColumns(list))).toEqual(list);
        expect(fromColumns(JSON.parse(JSON.stringify(toColumns(list))))).toEqual(JSON.parse(JSON.stringify(list)));
      }),
    );
  });

  it('is smaller than the rows as JSON: no key repeated per row', () => {
    const list: VariableView[] = Array.from({ length: 1_000 }, (_unused, index) => ({
      name: `var-${index}`,
      value: `value-${index}`,
      type: 'string',
      state: 'synced',
      updatedAt: '2026-12-06T22:53:34.723Z',
      syncedAt: '2026-12-06T22:53:34.936Z',
    }));
    expect(JSON.stringify(toColumns(list)).length).toBeLessThan(0.7 * JSON.stringify(list).length);
  });
});
