// The first number or date formatted in a page loads the locale's data (over 100 ms on a busy
// machine, measured in bench 7): done while the page waits for the agent's first answers, so that
// it is not paid between the data's arrival and the first frame. The page's own locale (the one a
// configured `locale` may still change once the status arrives).
import { pageTranslator } from './i18n.js';

export function warmUpFormatting(): void {
  const translator = pageTranslator(null);
  translator.t('variables.count', { count: 1_000 });
  translator.dateTime(Date.now());
}
