// The language of the window and the tray: the configuration's `locale` when set (vendor file,
// policy, VARSYNC_LOCALE), else the OS's preferred languages (Electron's
// app.getPreferredSystemLanguages(), then Chromium's app.getLocale()). The window gets the list in
// its URL, so its first frame is already in that language; shared/i18n picks the catalog.
import { app } from 'electron';
import { APP_START_URL } from './security.js';

/** Most wanted first. Call after `ready` (getLocale needs it). */
export function appLanguages(configured: string | undefined): string[] {
  if (configured) return [configured];
  return [...new Set([...app.getPreferredSystemLanguages(), app.getLocale()])].filter((tag) => tag !== '');
}

/** The window's start page, told which languages to speak. */
export function windowUrl(languages: readonly string[]): string {
  return `${APP_START_URL}?lang=${encodeURIComponent(languages.join(','))}`;
}
