// Copying text for the Copy buttons. The Clipboard API needs a secure context (app:// and
// loopback both are) and the user's gesture; where it is missing or refused, the text is selected
// on the page so the reader can copy it with the keyboard.

/** Copies `text`; when that is impossible, selects `element`'s text and returns false. */
export async function copyText(text: string, element: HTMLElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (permissions, no focus): fall back to the selection below.
  }
  if (!element) return false;
  const selection = window.getSelection();
  if (!selection) return false;
  const range = document.createRange();
  range.selectNodeContents(element);
  selection.removeAllRanges();
  selection.addRange(range);
  try {
    // Deprecated but still the only synchronous way where the Clipboard API is unavailable.
    return document.execCommand('copy');
  } catch {
    return false;
  }
}
