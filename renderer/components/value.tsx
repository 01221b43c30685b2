import type { VariableValue } from '../../shared/wire.js';
import { formatValue } from '../format.js';
import { useI18n } from '../i18n.js';

const LONG_VALUE = 160;

/** A variable's value (data, never translated); long text is clamped to a few lines (full text in the tooltip). */
export function Value({ value }: { value: VariableValue }) {
  const { t } = useI18n();
  if (value === '') return <span class="muted">{t('variables.emptyText')}</span>;
  const text = formatValue(value);
  return (
    <span class="value-text" translate={false} dir="auto" title={text.length > LONG_VALUE ? text : undefined}>
      {text}
    </span>
  );
}
