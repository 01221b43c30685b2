// Every variable with its state and times, filterable by name and state. Built for 10,000 names:
// only the rows in view of its scrolling box are rendered (useVirtualRows), keyed rows re-render
// only when their own variable changed, a fixed table layout (no measuring every cell when a
// keystroke changes something), and no per-second work (times here are absolute). Screen readers
// hear the whole table's size and each row's place in it (aria-rowcount, aria-rowindex); the box
// scrolls with the keyboard and its header stays in view.
import { Component } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { sameVariable, type VariableView } from '../../shared/variables.js';
import { formatCount, plural, VARIABLE_STATE_WORDS } from '../format.js';
import { filterVariables, type StateFilter } from '../variable-list.js';
import { useVirtualRows } from '../virtual-rows.js';
import { Time } from './time.js';
import { Value } from './value.js';

const COLUMNS = 6;

export function VariablesTable({ variables }: { variables: readonly VariableView[] }) {
  const [query, setQuery] = useState('');
  const [state, setState] = useState<StateFilter>('all');
  const shown = useMemo(() => filterVariables(variables, query, state), [variables, query, state]);
  const scroller = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLTableSectionElement>(null);
  const range = useVirtualRows(shown.length, scroller, body);
  const filtering = query.trim() !== '' || state !== 'all';

  return (
    <section class="panel variables" aria-labelledby="variables-heading">
      <div class="section-head">
        <h2 id="variables-heading" tabIndex={-1}>
          Variables
        </h2>
        <div class="filters">
          <label class="field">
            <span>Filter by name</span>
            <input
              type="search"
              value={query}
              onInput={(event) => setQuery(event.currentTarget.value)}
              autocomplete="off"
              spellcheck={false}
              data-testid="filter"
            />
          </label>
          <label class="field">
            <span>State</span>
            <select
              value={state}
              onChange={(event) => setState(event.currentTarget.value as StateFilter)}
              data-testid="state-filter"
            >
              <option value="all">All</option>
              <option value="pending">Pending</option>
              <option value="failed">Failed</option>
              <option value="synced">Synced</option>
            </select>
          </label>
        </div>
      </div>
      <p class="hint" role="status" data-testid="variable-count">
        {variables.length === 0
          ? ''
          : filtering
            ? `Showing ${formatCount(shown.length)} of ${plural(variables.length, 'variable')}.`
            : `${plural(variables.length, 'variable')}.`}
      </p>
      {variables.length === 0 ? (
        <p class="empty" data-testid="no-variables">
          No variables yet. An application (or <code>varsync set NAME=VALUE</code>) sets them.
        </p>
      ) : shown.length === 0 ? (
        <p class="empty" data-testid="no-matches">
          No variable matches this filter.
        </p>
      ) : (
        <div
          ref={scroller}
          class="table-scroll contained virtual"
          role="region"
          aria-labelledby="variables-heading"
          tabIndex={0}
        >
          <table class="data fixed stackable" aria-rowcount={shown.length + 1}>
            <colgroup>
              <col class="col-name" />
              <col class="col-value" />
              <col class="col-type" />
              <col class="col-state" />
              <col class="col-time" />
              <col class="col-time" />
            </colgroup>
            <thead>
              <tr aria-rowindex={1}>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
                <th scope="col">Type</th>
                <th scope="col">State</th>
                <th scope="col">Changed</th>
                <th scope="col">Confirmed by the server</th>
              </tr>
            </thead>
            <tbody ref={body}>
              {range.before > 0 && <Spacer height={range.before} />}
              {shown.slice(range.start, range.end).map((variable, offset) => (
                <VariableRow key={variable.name} variable={variable} rowIndex={range.start + offset + 2} />
              ))}
              {range.after > 0 && <Spacer height={range.after} />}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** One row; re-rendered only when its place or what it shows changed (a full reload brings new objects). */
class VariableRow extends Component<{ variable: VariableView; rowIndex: number }> {
  override shouldComponentUpdate(next: { variable: VariableView; rowIndex: number }): boolean {
    return this.props.rowIndex !== next.rowIndex || !sameVariable(this.props.variable, next.variable);
  }

  override render() {
    const { variable, rowIndex } = this.props;
    return (
      <tr data-testid="variable-row" data-name={variable.name} data-state={variable.state} aria-rowindex={rowIndex}>
        <th scope="row" class="name">
          <code>{variable.name}</code>
        </th>
        <td class="value" data-label="Value">
          <Value value={variable.value} />
        </td>
        <td data-label="Type">{variable.type}</td>
        <td class="state" data-label="State">
          <div>
            <span class="var-state" data-state={variable.state}>
              <span class="dot" aria-hidden="true" />
              {VARIABLE_STATE_WORDS[variable.state] ?? variable.state}
            </span>
            {variable.error && (
              <span class="reason">
                <code>{variable.error.code}</code> {variable.error.message}
              </span>
            )}
          </div>
        </td>
        <td class="time" data-label="Changed">
          <Time at={variable.updatedAt} />
        </td>
        <td class="time" data-label="Confirmed">
          <Time at={variable.syncedAt} fallback="Not yet" />
        </td>
      </tr>
    );
  }
}

/** Stands in for the rows out of view, so the scroll bar and position are those of the whole list. */
function Spacer({ height }: { height: number }) {
  return (
    <tr class="spacer" aria-hidden="true">
      <td colSpan={COLUMNS} style={{ height: `${height}px` }} />
    </tr>
  );
}
