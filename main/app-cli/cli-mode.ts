// CLI mode of the desktop app: one `varsync` command, run by the app binary with the app's own
// configuration layers (policy, vendor files beside the app, environment, the user's settings),
// its data folder and its safeStorage secret store, so that an installer's `varsync set` and the
// tray app see the same queue. No window, no tray, no single-instance hand-over: output goes to
// the terminal and the process exits with the command's documented code.
import { app } from 'electron';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../cli/main.js';
import { appConfig, electronConfigLocations, prepareSecrets } from '../app/agent-setup.js';
import { appPaths, setupAppIdentity } from '../app/paths.js';
import { safeStorageSecrets, type AppSecrets } from '../app/secrets.js';
import { UserSettings } from '../app/settings.js';

/**
 * The app's safeStorage secrets, decrypted for the data folder the configuration names (as the
 * tray app does, main/app/agent-setup.ts): safeStorage answers only asynchronously, the command
 * reads its configuration synchronously. A configuration that cannot be read is left to the
 * command, which says so in its own words.
 */
async function preparedSecrets(
  locations: ReturnType<typeof electronConfigLocations>,
  userSettings: Parameters<typeof appConfig>[1],
): Promise<AppSecrets | undefined> {
  const secrets = await safeStorageSecrets();
  if (!secrets) return undefined;
  try {
    await prepareSecrets(secrets, process.env, userSettings, locations);
  } catch {
    // The command reads the configuration again and reports the problem.
  }
  return secrets;
}

/** Run the command and end the process with its exit code; never rejects. */
export async function runCliMode(args: string[]): Promise<void> {
  let code: number;
  try {
    setupAppIdentity(); // the app's name and user-data folder (its settings), as the tray app has them
    app.dock?.hide(); // macOS: a command is not an app in the Dock
    await app.whenReady(); // safeStorage needs it
    const paths = appPaths(dirname(fileURLToPath(import.meta.url)));
    const locations = electronConfigLocations();
    const userSettings = UserSettings.open(app.getPath('userData')).configLayer();
    const secrets = await preparedSecrets(locations, userSettings);
    code = await runProcess(args, {
      locations,
      userSettings,
      secretStore: secrets && ((dir, onNotice) => secrets.open(dir, onNotice)),
      sqliteNativeBinding: existsSync(paths.sqliteForElectron) ? paths.sqliteForElectron : undefined,
    });
    await secrets?.flush().catch((error: Error) => {
      process.stderr.write(`varsync: note: secret store: cannot be written (${error.message}).\n`);
    });
  } catch (error) {
    // runProcess turns every failure of a command into its line; this is the app's own set-up failing.
    process.stderr.write(`varsync: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    code = 1;
  }
  // What was written reaches the terminal (or the launcher's file) before the process ends.
  await new Promise<void>((resolve) => process.stdout.write('', () => process.stderr.write('', () => resolve())));
  app.exit(code);
}
