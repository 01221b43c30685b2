// Whether the tray icon can be seen: always on Windows and macOS; on Linux only with a
// StatusNotifier host on the session bus, asked with gdbus, else dbus-send, else taken as no.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { noTrayMenuTemplate } from '../../main/app/app-menu.js';
import { translatorFor } from '../../shared/i18n/languages.js';
import { trayIconVisible, watchTrayIcon, type RunProgram } from '../../main/app/tray-host.js';
import { FakeMenu, resetFakeElectron } from './helpers/fake-electron.js';
import { recordingLogger } from './helpers/logger.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

beforeEach(() => resetFakeElectron());

/** A desktop whose tools answer as given (a missing tool throws, as execFile does with ENOENT). */
function desktop(answers: Record<string, string>): RunProgram & { asked: string[] } {
  const asked: string[] = [];
  const run = async (file: string, args: string[]) => {
    asked.push(`${file} ${args.at(-1)}`);
    const answer = answers[file];
    if (answer === undefined) throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
    return answer;
  };
  return Object.assign(run, { asked });
}

describe('the tray icon', () => {
  it('is always visible on Windows and macOS, without asking', async () => {
    const none = desktop({});
    expect(await trayIconVisible('win32', none)).toBe(true);
    expect(await trayIconVisible('darwin', none)).toBe(true);
    expect(none.asked).toEqual([]);
  });

  it('is visible on Linux when a StatusNotifier host owns its name (KDE, GNOME with AppIndicator)', async () => {
    const kde = desktop({ gdbus: '(true,)\n' });
    expect(await trayIconVisible('linux', kde)).toBe(true);
    expect(kde.asked).toEqual(['gdbus org.kde.StatusNotifierWatcher']);
    expect(await trayIconVisible('linux', desktop({ 'dbus-send': 'method return\n   boolean true\n' }))).toBe(true);
  });

  it('is not on plain GNOME, nor where no tool can ask', async () => {
    expect(await trayIconVisible('linux', desktop({ gdbus: '(false,)\n' }))).toBe(false);
    expect(await trayIconVisible('linux', desktop({ 'dbus-send': 'method return\n   boolean false\n' }))).toBe(false);
    const bare = desktop({});
    expect(await trayIconVisible('linux', bare)).toBe(false);
    expect(bare.asked).toEqual([
      'gdbus org.kde.StatusNotifierWatcher',
      'dbus-send string:org.kde.StatusNotifierWatcher',
    ]);
  });

  it('missing, is logged once and its stand-in set up; until the answer, Linux counts as without', async () => {
    const log = recordingLogger();
    const onMissing = vi.fn();
    const visible = watchTrayIcon(log, onMissing, 'linux', desktop({ gdbus: '(false,)' }));
    expect(visible()).toBe(false);
    await vi.waitFor(() => expect(onMissing).toHaveBeenCalledTimes(1));
    expect(log.lines).toEqual([
      expect.stringMatching(/^warn no tray icon can be shown on this desktop .*AppIndicator/),
    ]);

    const shown = watchTrayIcon(log, onMissing, 'linux', desktop({ gdbus: '(true,)' }));
    await vi.waitFor(() => expect(shown()).toBe(true));
    expect(onMissing).toHaveBeenCalledTimes(1);
  });

  it("has File > Quit stand in for the tray menu's Quit", () => {
    expect(new FakeMenu(noTrayMenuTemplate() as never).roles).toEqual(['quit']);
    // "File" in the app's language, its access key with it.
    expect(noTrayMenuTemplate(translatorFor(['de']))[0]!.label).toBe('&Datei');
  });
});
