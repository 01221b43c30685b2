// Start at login: on by default for installed copies (a vendor's installer puts Varsync there to
// run); the user's choice (the tray's checkbox) is kept in the settings. Launched at login, the
// app starts in the tray without opening its window.
//
// The OS's login item is written once, on the first start of an installed copy, and then only
// when the user changes the checkbox: on Windows every setLoginItemSettings call also rewrites the
// StartupApproved value (`enabled` defaults to true, electron.d.ts Settings.enabled), which would
// undo a "Disable" in Task Manager or Windows Settings at each start. A run from a checkout never
// touches it: its entry has the installed copy's name and would replace or delete that one.
import { app } from 'electron';

export const HIDDEN_FLAG = '--hidden';

export interface LoginItem {
  /** Whether this copy has a login item Electron can manage (installed, on Windows or macOS). */
  readonly supported: boolean;
  readonly enabled: boolean;
  set(enabled: boolean): void;
}

/** What the login item keeps in the user settings (main/app/settings.ts). */
export interface LoginItemSettings {
  /** The user's choice, else the vendor file's; undefined when neither says (then: on). */
  launchAtLogin: boolean | undefined;
  /** The login item was written once for this user: later starts leave it to the user and the OS. */
  loginItemWritten: boolean;
}

/** Only Windows and macOS have login items Electron can manage. */
export function setupLoginItem(settings: LoginItemSettings, platform: NodeJS.Platform = process.platform): LoginItem {
  const supported = (platform === 'win32' || platform === 'darwin') && app.isPackaged;
  const write = (enabled: boolean) => {
    app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
    settings.loginItemWritten = true;
  };
  if (supported && !settings.loginItemWritten) write(settings.launchAtLogin ?? true);
  return {
    supported,
    get enabled() {
      return supported && (settings.launchAtLogin ?? true);
    },
    set(enabled: boolean) {
      if (!supported) return;
      settings.launchAtLogin = enabled;
      write(enabled);
    },
  };
}

/** Started by the login item (Windows passes --hidden; macOS says so itself). */
export function openedAtLogin(argv: string[], platform: NodeJS.Platform = process.platform): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}
