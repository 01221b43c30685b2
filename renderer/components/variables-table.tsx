// Every variable with its state and times, filterable by name and state. Built for 10,000 names:
// only the rows in view of its scrolling box are rendered (useVirtualRows), keyed rows re-render
// only when their own variable changed, a fixed table layout (no measuring every cell when a
// keystroke changes something), and no per-second work (times here are absolute). Screen readers
// hear the whole table's size and each row's place in it (aria-rowcount, aria-rowindex); the box
// scrolls with the keyboard and its header stays in view. While the page has only its first screen
// of the list, the table already has the whole list's size (the rows not yet there are blank, the
// region is busy) and the filters apply to what is there.
import { Component } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { sameVariable, type VariableView } from '../../shared/variables.js';
import type { Translator } from '../../shared/i18n/translator.js';
import { variableStateWord } from '../format.js';
import { Message, useI18n } from '../i18n.js';
import { filterVariables, type StateFilter } from '../variable-list.js';
import { useVirtualRows } from '../virtual-rows.js';
import { Time } from './time.js';
import { Value } from './value.js';

const COLUMNS = 6;

const NO_VARIABLES: readonly VariableView[] = [];

export interface VariablesTableProps {
  /** Null until the first answer: the section says it is loading. */
  variables: readonly VariableView[] | null;
  /** How many variables there are while `variables` is only the first of them (use-agent.ts), else null. */
  total: number | null;
}

export function VariablesTable({ variables: loaded, total }: VariablesTableProps) {
  const variables = loaded ?? NO_VARIABLES;
  const count = total ?? variables.length;
  const translator = useI18n();
  const { t } = translator;
  const [query, setQuery] = useState('');
  const [state, setState] = useState<StateFilter>('all');
  const shown = useMemo(() => filterVariables(variables, query, state), [variables, query, state]);
  const scroller = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLTableSectionElement>(null);
  const filtering = query.trim() !== '' || state !== 'all';
  // Rows the table has: what the filters let through, or the whole list (some perhaps still coming).
  const listed = filtering ? shown.length : count;
  const range = useVirtualRows(listed, scroller, body);
  const rendered = shown.slice(range.start, range.end);
  // Rows in view that have not come yet stand in the spacer below.
  const after = range.after + (range.end - range.start - rendered.length) * range.rowHeight;

  return (
    <section class="panel variables" aria-labelledby="variables-heading">
      <div class="section-head">
        <h2 id="variables-heading" tabIndex={-1}>
          {t('variables.heading')}
        </h2>
        <div class="filters">
          <label class="field">
            <span>{t('variables.filter')}</span>
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
            <span>{t('variables.state')}</span>
            <select
              value={state}
              onChange={(event) => setState(event.currentTarget.value as StateFilter)}
              data-testid="state-filter"
            >
              <option value="all">{t('variables.all')}</option>
              <option value="pending">{t('variable.pending')}</option>
              <option value="failed">{t('variable.failed')}</option>
              <option value="synced">{t('variable.synced')}</option>
            </select>
          </label>
        </div>
      </div>
      <p class="hint" role="status" data-testid="variable-count">
        {count === 0
          ? ''
          : filtering
            ? t('variables.showing', { shown: shown.length, count })
            : t('variables.count', { count })}
      </p>
      {loaded === null ? (
        <p class="empty loading">{t('app.loading')}</p>
      ) : variables.length === 0 ? (
        <p class="empty" data-testid="no-variables">
          <Message id="variables.empty" parts={{ command: <code translate={false}>varsync set NAME=VALUE</code> }} />
        </p>
      ) : shown.length === 0 ? (
        <p class="empty" data-testid="no-matches">
          {t('variables.noMatches')}
        </p>
      ) : (
        <div
          ref={scroller}
          class="table-scroll contained virtual"
          role="region"
          aria-labelledby="variables-heading"
          tabIndex={0}
          aria-busy={total !== null}
        >
          <table class="data fixed stackable" aria-rowcount={listed + 1}>
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
                <th scope="col">{t('variables.name')}</th>
                <th scope="col">{t('variables.value')}</th>
                <th scope="col">{t('variables.type')}</th>
                <th scope="col">{t('variables.state')}</th>
                <th scope="col">{t('variables.changed')}</th>
                <th scope="col">{t('variables.confirmed')}</th>
              </tr>
            </thead>
            <tbody ref={body}>
              {range.before > 0 && <Spacer height={range.before} />}
              {rendered.map((variable, offset) => (
                <VariableRow
                  key={variable.name}
                  variable={variable}
                  rowIndex={range.start + offset + 2}
                  translator={translator}
                />
              ))}
              {after > 0 && <Spacer height={after} />}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface VariableRowProps {
  variable: VariableView;
  rowIndex: number;
  translator: Translator;
}

/** One row; re-rendered only when its place, what it shows or the language changed (a full reload brings new objects). */
class VariableRow extends Component<VariableRowProps> {
  override shouldComponentUpdate(next: VariableRowProps): boolean {
    return (
      this.props.rowIndex !== next.rowIndex ||
      this.props.translator !== next.translator ||
      !sameVariable(this.props.variable, next.variable)
    );
  }

  override render() {
    const { variable, rowIndex, translator } = this.props;
    const { t } = translator;
    return (
      <tr data-testid="variable-row" data-name={variable.name} data-state={variable.state} aria-rowindex={rowIndex}>
        <th scope="row" class="name">
          <code translate={false}>{variable.name}</code>
        </th>
        <td class="value" data-label={t('variables.value')}>
          <Value value={variable.value} />
        </td>
        <td data-label={t('variables.type')}>{t(`type.${variable.type}`)}</td>
        <td class="state" data-label={t('variables.state')}>
          <div>
            <span class="var-state" data-state={variable.state}>
              <span class="dot" aria-hidden="true" />
              {variableStateWord(t, variable.state)}
            </span>
            {variable.error && (
              <span class="reason">
                <code translate={false}>{variable.error.code}</code>{' '}
                <span lang="en" dir="auto">
                  {variable.error.message}
                </span>
              </span>
            )}
          </div>
        </td>
        <td class="time" data-label={t('variables.changed')}>
          <Time at={variable.updatedAt} />
        </td>
        <td class="time" data-label={t('variables.confirmedShort')}>
          <Time at={variable.syncedAt} fallback={t('variables.notYet')} />
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
