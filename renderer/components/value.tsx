import type { VariableValue } from '../../shared/wire.js';
import { formatValue } from '../format.js';

const LONG_VALUE = 160;

/** A variable's value; long text is clamped to a few lines (full text in the tooltip). */
export function Value({ value }: { value: VariableValue }) {
  if (value === '') return <span class="muted">(empty text)</span>;
  const text = formatValue(value);
  return (
    <span class="value-text" title={text.length > LONG_VALUE ? text : undefined}>
      {text}
    </span>
  );
}
