// Whether a Linux desktop can show the tray icon at all. Electron's Linux tray is a
// StatusNotifierItem, shown by a StatusNotifier host that owns org.kde.StatusNotifierWatcher on
// the session bus (KDE, Xfce, Cinnamon...; GNOME only with the AppIndicator extension). Without one
// the icon is nowhere, and a window hidden to the tray could never be opened again. The question
// is asked with gdbus or dbus-send (GLib's and D-Bus's own tools); when neither can answer, the
// answer is no: a window that minimizes where it could have hidden is the safe mistake.
import { execFile } from 'node:child_process';
import type { Logger } from '../core/log.js';

const WATCHER = 'org.kde.StatusNotifierWatcher';

/** Runs a program and gives its standard output (tests pass their own). */
export type RunProgram = (file: string, args: string[]) => Promise<string>;

const run: RunProgram = (file, args) =>
  new Promise((resolve, reject) =>
    execFile(file, args, { timeout: 3_000, windowsHide: true }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );

const QUERIES: Array<{ file: string; args: string[]; yes: RegExp }> = [
  {
    file: 'gdbus',
    args: [
      'call',
      '--session',
      '--dest',
      'org.freedesktop.DBus',
      '--object-path',
      '/org/freedesktop/DBus',
      '--method',
      'org.freedesktop.DBus.NameHasOwner',
      WATCHER,
    ],
    yes: /^\(true,\)/,
  },
  {
    file: 'dbus-send',
    args: [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      `string:${WATCHER}`,
    ],
    yes: /boolean true/,
  },
];

/** True where the tray icon can be seen: always on Windows and macOS; on Linux, when a StatusNotifier host runs. */
export async function trayIconVisible(
  platform: NodeJS.Platform = process.platform,
  runProgram: RunProgram = run,
): Promise<boolean> {
  if (platform !== 'linux') return true;
  for (const query of QUERIES) {
    try {
      return query.yes.test((await runProgram(query.file, query.args)).trim());
    } catch {
      // This tool is missing or has no session bus: ask the next one.
    }
  }
  return false;
}

/**
 * Ask once, in the background; until the answer comes, Linux counts as having no tray icon.
 * `onMissing` runs when there is none. The returned function tells what is known now.
 */
export function watchTrayIcon(
  log: Logger,
  onMissing: () => void,
  platform: NodeJS.Platform = process.platform,
  runProgram: RunProgram = run,
): () => boolean {
  let visible = platform !== 'linux';
  void trayIconVisible(platform, runProgram).then((answer) => {
    visible = answer;
    if (answer) return;
    log.warn(
      'no tray icon can be shown on this desktop (no StatusNotifier host; on GNOME, install the AppIndicator extension): closing the window minimizes it, and File > Quit ends Varsync',
    );
    onMissing();
  });
  return () => visible;
}
