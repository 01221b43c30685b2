import { useEffect, useRef, useState } from 'preact/hooks';
import { copyText } from '../clipboard.js';

export interface CopyButtonProps {
  text: string;
  /** What is copied, in words: "hardware ID". */
  what: string;
  /** The element showing the text, selected when copying is impossible. */
  source: { current: HTMLElement | null };
  announce: (message: string) => void;
  testId: string;
}

export function CopyButton({ text, what, source, announce, testId }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);
  const reset = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(reset.current), []);

  async function copy() {
    if (await copyText(text, source.current)) {
      setCopied(true);
      announce(`The ${what} is copied.`);
      clearTimeout(reset.current);
      reset.current = setTimeout(() => setCopied(false), 2_000);
    } else {
      announce(`Copying is not possible here. The ${what} is selected: press Ctrl+C (⌘C on a Mac) to copy it.`);
    }
  }

  return (
    // The accessible name starts with the visible word (WCAG 2.5.3), "Copied" too.
    <button
      type="button"
      class="small"
      onClick={copy}
      aria-label={`${copied ? 'Copied' : 'Copy'} the ${what}`}
      data-testid={testId}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
