import { useEffect, useRef, useState } from 'preact/hooks';
import { copyText } from '../clipboard.js';
import { useI18n } from '../i18n.js';

export interface CopyButtonProps {
  text: string;
  /** What is copied, in this window's words: "hardware ID". */
  what: string;
  /** The element showing the text, selected when copying is impossible. */
  source: { current: HTMLElement | null };
  announce: (message: string) => void;
  testId: string;
}

export function CopyButton({ text, what, source, announce, testId }: CopyButtonProps) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const reset = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(reset.current), []);

  async function copy() {
    if (await copyText(text, source.current)) {
      setCopied(true);
      announce(t('copy.done', { what }));
      clearTimeout(reset.current);
      reset.current = setTimeout(() => setCopied(false), 2_000);
    } else {
      announce(t('copy.impossible', { what }));
    }
  }

  return (
    // The accessible name starts with the visible word (WCAG 2.5.3), "Copied" too.
    <button
      type="button"
      class="small"
      onClick={copy}
      aria-label={t(copied ? 'copy.copiedLabel' : 'copy.copyLabel', { what })}
      data-testid={testId}
    >
      {t(copied ? 'copy.copied' : 'copy.copy')}
    </button>
  );
}
