// The application menu. Electron installs a default one when the app sets none (electron.d.ts,
// Menu.setApplicationMenu: "The default menu will be created automatically if the app does not
// set one"), with Reload, Force Reload and Toggle Developer Tools on Ctrl+R and Ctrl+Shift+I and a
// menu bar that Alt shows. Varsync's window needs none of it: Windows and Linux get no menu at
// all; macOS, where the menu bar is always there and Cmd+C, Cmd+V... go through the Edit menu,
// gets the app, Edit and Window menus, nothing that reloads or opens the developer tools.
import { Menu, type MenuItemConstructorOptions } from 'electron';
import { english, type Translator } from '../../shared/i18n/translator.js';

export function macMenuTemplate(): MenuItemConstructorOptions[] {
  return [
    { role: 'appMenu', submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'quit' }] },
    {
      role: 'editMenu',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { role: 'windowMenu', submenu: [{ role: 'minimize' }, { role: 'close' }] },
  ];
}

/**
 * Where no tray icon can be seen (tray-host.ts) the tray's Quit is missing: File > Quit (Ctrl+Q)
 * stands in, "File" in the app's language (roles such as Quit are labelled by Electron itself).
 */
export function noTrayMenuTemplate(translator: Translator = english): MenuItemConstructorOptions[] {
  return [{ label: translator.t('menu.file'), submenu: [{ role: 'quit' }] }];
}

export function setupApplicationMenu(
  platform: NodeJS.Platform = process.platform,
  trayIconVisible = true,
  translator: Translator = english,
): void {
  if (platform === 'darwin') Menu.setApplicationMenu(Menu.buildFromTemplate(macMenuTemplate()));
  else Menu.setApplicationMenu(trayIconVisible ? null : Menu.buildFromTemplate(noTrayMenuTemplate(translator)));
}
