// The Electron bundle's entry (scripts/build-electron.mjs): the installed app binary answers the
// `varsync` command's verbs itself, since its fuses forbid running as Node (RunAsNode off). When
// the first argument is a command (`Varsync status --json`, what the installers' `varsync`
// launchers run), it runs that command in CLI mode and exits with its code; anything else (no
// argument, `--set`, `--hidden`) starts the tray app as before. Its own folder, because it joins
// the shell (main/app) and the command (main/cli), which must not import each other.
import { COMMANDS } from '../cli/commands.js';

/** The arguments after the executable (and after the script, when started as `electron main.mjs`). */
export function appArguments(argv: string[] = process.argv, defaultApp = process.defaultApp === true): string[] {
  return argv.slice(defaultApp ? 2 : 1);
}

/** The command when the first argument names one; undefined for the tray app. */
export function cliCommandOf(args: string[]): string | undefined {
  const first = args[0];
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined;
}

// Awaited at the top level: what a module does before the app is ready (its name, its scheme)
// happens before `ready`, which Electron emits once this entry has finished. The command itself
// waits for `ready`, so it must not be awaited here (that would never end).
const args = appArguments();
if (cliCommandOf(args)) {
  const { runCliMode } = await import('./cli-mode.js');
  void runCliMode(args);
} else {
  await import('../app/main.js');
}
