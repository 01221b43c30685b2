// The first number or date formatted in a page loads the locale's data (the first
// Intl.NumberFormat alone takes 20-80 ms in Chromium on this machine): done before the window's
// frame is painted and the first screen asked for (use-agent.ts), so that none of it is left when
// the first screen arrives. In the page's own locale (a configured `locale` may still change it
// once the status arrives).
import { pageTranslator } from './i18n.js';

export function warmUpFormatting(): void {
  const translator = pageTranslator(null);
  translator.t('variables.count', { count: 1_000 });
  translator.dateTime(Date.now());
}
