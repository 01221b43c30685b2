// User settings, kept by electron-store in the user-data folder. Two keys:
// - `agent`: configuration keys (main/core/config/keys.ts) the user chose; they become the
//   'user-settings' layer of the configuration, below the environment and the vendor file;
// - `app`: the shell's own preferences (launch at login and whether the login item was written,
//   window bounds), which are not configuration keys and never reach the core.
import { ipcMain } from 'electron';
import Store from 'electron-store';
import { z } from 'zod';
import { ConfigError, objectLayer, type ConfigLayer } from '../core/config/resolve.js';

export const SETTINGS_FILE_NAME = 'settings';

const bounds = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type WindowBounds = z.infer<typeof bounds>;

// Each preference on its own: a damaged entry is forgotten, not fatal.
const appPreferences = z
  .object({
    launchAtLogin: z.boolean().optional().catch(undefined),
    loginItemWritten: z.boolean().optional().catch(undefined),
    windowBounds: bounds.optional().catch(undefined),
  })
  .catch({});
type AppPreferences = z.infer<typeof appPreferences>;

interface SettingsFile {
  agent: Record<string, unknown>;
  app: AppPreferences;
}

export class UserSettings {
  private constructor(private readonly store: Store<SettingsFile>) {}

  /** Open (or create) the settings file in `dir`; a file that is not JSON stops start-up, naming it. */
  static open(dir: string): UserSettings {
    let store: Store<SettingsFile>;
    try {
      store = new Store<SettingsFile>({ name: SETTINGS_FILE_NAME, cwd: dir, defaults: { agent: {}, app: {} } });
    } catch (error) {
      throw new ConfigError(
        `user settings in ${dir}: cannot be read (${(error as Error).message.split('\n')[0]}); fix or delete the file.`,
      );
    }
    // electron-store answers renderers' synchronous 'electron-store-get-data' messages for its
    // renderer-side use, which Varsync does not have: no IPC listener may skip the sender check.
    ipcMain.removeAllListeners('electron-store-get-data');
    return new UserSettings(store);
  }

  get path(): string {
    return this.store.path;
  }

  /** The 'user-settings' configuration layer; a bad key or value stops start-up, naming this file. */
  configLayer(): ConfigLayer {
    const values = this.store.get('agent');
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new ConfigError(`user settings ${this.path}: "agent" must be an object of settings.`);
    }
    return objectLayer('user-settings', values, `user settings ${this.path}`);
  }

  /** The vendor file's launchAtLogin: what launchAtLogin says until the user chooses. */
  vendorLaunchAtLogin: boolean | undefined;

  /** The user's choice; until there is one, the vendor file's (undefined when neither says). */
  get launchAtLogin(): boolean | undefined {
    return this.preferences().launchAtLogin ?? this.vendorLaunchAtLogin;
  }

  set launchAtLogin(value: boolean) {
    this.store.set('app', { ...this.preferences(), launchAtLogin: value });
  }

  /** The OS login item was written once (main/app/login-item.ts). */
  get loginItemWritten(): boolean {
    return this.preferences().loginItemWritten ?? false;
  }

  set loginItemWritten(value: boolean) {
    this.store.set('app', { ...this.preferences(), loginItemWritten: value });
  }

  get windowBounds(): WindowBounds | undefined {
    return this.preferences().windowBounds;
  }

  set windowBounds(value: WindowBounds) {
    this.store.set('app', { ...this.preferences(), windowBounds: value });
  }

  private preferences(): AppPreferences {
    return appPreferences.parse(this.store.get('app'));
  }
}
