// The first number or date formatted in a page loads the locale's data (over 100 ms on a busy
// machine, measured in bench 7): done while the page waits for the agent's first answers, so that
// it is not paid between the data's arrival and the first frame.
import { formatDateTime, plural } from './format.js';

export function warmUpFormatting(): void {
  plural(1_000, 'value');
  formatDateTime(Date.now());
}
