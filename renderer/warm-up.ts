// The first number or date formatted in a page loads the locale's data from Intl (the first
// Intl.NumberFormat alone takes 20-80 ms in Chromium on this machine): done once the window's frame
// is painted and before the first screen is asked for (use-agent.ts), so that none of it is left
// when the first screen arrives. In the page's own locale (a configured `locale` may still change
// it once the status arrives).
import { pageTranslator } from './i18n.js';

export function warmUpFormatting(): void {
  pageTranslator(null).warmUp(Date.now());
}
