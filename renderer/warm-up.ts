// The first number or date formatted in a page loads the locale's data (the first
// Intl.NumberFormat alone takes 40-60 ms in Chromium on this machine, over 100 ms when it is busy):
// done once the frame is painted, while the page waits for the agent's first answers (asked before
// it painted, use-agent.ts), so that little of it is left to pay when they arrive. The page's own locale (the one a
// configured `locale` may still change once the status arrives).
import { pageTranslator } from './i18n.js';

export function warmUpFormatting(): void {
  const translator = pageTranslator(null);
  translator.t('variables.count', { count: 1_000 });
  translator.dateTime(Date.now());
}
