// Start at login: on by default for installed copies (a vendor's installer puts Varsync there to
// run), off from a checkout; the user's choice (the tray's checkbox) is kept in the settings.
// Launched at login, the app starts in the tray without opening its window.
import { app } from 'electron';

export const HIDDEN_FLAG = '--hidden';

export interface LoginItem {
  /** Whether this OS has login items Electron can manage. */
  readonly supported: boolean;
  readonly enabled: boolean;
  set(enabled: boolean): void;
}

/** Only Windows and macOS have login items Electron can manage. */
export function setupLoginItem(
  settings: { launchAtLogin: boolean | undefined },
  platform: NodeJS.Platform = process.platform,
): LoginItem {
  const supported = platform === 'win32' || platform === 'darwin';
  const apply = (enabled: boolean) => {
    if (supported) app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
  };
  apply(settings.launchAtLogin ?? app.isPackaged);
  return {
    supported,
    get enabled() {
      return supported && (settings.launchAtLogin ?? app.isPackaged);
    },
    set(enabled: boolean) {
      settings.launchAtLogin = enabled;
      apply(enabled);
    },
  };
}

/** Started by the login item (Windows passes --hidden; macOS says so itself). */
export function openedAtLogin(argv: string[], platform: NodeJS.Platform = process.platform): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}
