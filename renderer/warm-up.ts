// The first number or date formatted in a page loads the locale's data (the first
// Intl.NumberFormat alone takes 33-82 ms in Chromium on this machine): done right after the first
// screen is asked for (use-agent.ts), while the agent prepares it, so that as little as possible
// of it is left to pay when it arrives. In the page's own locale (a configured `locale` may still
// change it once the status arrives).
import { pageTranslator } from './i18n.js';

export function warmUpFormatting(): void {
  const translator = pageTranslator(null);
  translator.t('variables.count', { count: 1_000 });
  translator.dateTime(Date.now());
}
