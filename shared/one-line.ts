// Text shown or logged on one line whatever it quotes (a file's key, a server's message, an
// argument): control characters and line separators are written as escapes, so nothing can end
// the line early or forge the next one.

// eslint-disable-next-line no-control-regex
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` with each control character shown escaped (a newline as \u000a). */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKING, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
