// The tray: an icon for the state at a glance, a tooltip with what is pending and when the last
// sync was, and the menu (Open, Sync now, Pause/Resume, Open logs folder, Log level, Collect
// diagnostics..., Quit). It follows the
// agent's 'change' events; the menu is rebuilt each time, so its labels are always current. Its
// words are the window's catalogs (shared/i18n), in the language the app chose (main/app/locale.ts).
import { Menu, nativeImage, Tray, type MenuItem, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { StatusView } from '../../shared/agent-api.js';
import { english, type Translator } from '../../shared/i18n/translator.js';
import type { Agent } from '../core/agent.js';
import { LOG_LEVELS, type LogLevel } from '../core/log.js';

export type TrayIconName = 'synced' | 'syncing' | 'pending' | 'attention' | 'paused';
export const TRAY_ICON_NAMES: TrayIconName[] = ['synced', 'syncing', 'pending', 'attention', 'paused'];

export interface TrayActions {
  open(): void;
  syncNow(): void;
  pause(): void;
  resume(): void;
  openLogsFolder(): void;
  /** The "Log level" submenu: the level now, and a change that lasts until the app quits. */
  logLevel: { readonly current: LogLevel; set(level: LogLevel): void };
  /** Ask where to save the diagnostics bundle, then write it. */
  collectDiagnostics(): void;
  quit(): void;
  /** The "Start at login" checkbox, where the OS has login items. */
  launchAtLogin: { readonly supported: boolean; readonly enabled: boolean; set(enabled: boolean): void };
}

/** Which icon a status shows: a value the server refused needs a person too. */
export function trayIconFor(status: StatusView): TrayIconName {
  const { state } = status;
  if (state === 'paused') return 'paused';
  if (state === 'attention' || status.failed > 0) return 'attention';
  if (state === 'syncing') return 'syncing';
  if (state === 'pending' || state === 'offline') return 'pending';
  return 'synced';
}

/** The status in a few words, for the tooltip and the menu's first line. */
export function statusLine(status: StatusView, { t }: Translator = english): string {
  const state = t(`tray.state.${status.state}`);
  return status.demo ? t('tray.demo', { state }) : state;
}

/** At most a few short lines (Windows cuts tooltips at 127 characters). */
export function trayTooltip(status: StatusView, now: Date = new Date(), translator: Translator = english): string {
  const { t } = translator;
  const counts = [t('tray.pending', { count: status.pending })];
  if (status.failed > 0) counts.push(t('tray.refused', { count: status.failed }));
  const lines = [
    t('tray.tooltip', { status: statusLine(status, translator) }),
    translator.list(counts, 'unit'),
    t('tray.lastSync', { when: formatWhen(status.lastSyncAt, now, translator) }),
  ];
  const reason = status.explanation?.messages.reason;
  if (reason && trayIconFor(status) === 'attention') lines.push(translator.say(reason));
  return lines.join('\n').slice(0, 127);
}

export function trayMenuTemplate(
  status: StatusView,
  actions: TrayActions,
  translator: Translator = english,
): MenuItemConstructorOptions[] {
  const { t } = translator;
  return [
    { label: statusLine(status, translator), enabled: false },
    { type: 'separator' },
    { label: t('tray.open'), click: () => actions.open() },
    { label: t('tray.syncNow'), enabled: !status.paused, click: () => actions.syncNow() },
    status.paused
      ? { label: t('tray.resume'), click: () => actions.resume() }
      : { label: t('tray.pause'), click: () => actions.pause() },
    { type: 'separator' },
    ...(actions.launchAtLogin.supported
      ? [
          {
            label: t('tray.startAtLogin'),
            type: 'checkbox' as const,
            checked: actions.launchAtLogin.enabled,
            click: (item: MenuItem) => actions.launchAtLogin.set(item.checked),
          },
        ]
      : []),
    { label: t('tray.openLogs'), click: () => actions.openLogsFolder() },
    {
      label: t('tray.logLevel'),
      submenu: LOG_LEVELS.map((level: LogLevel) => ({
        label: t(`tray.logLevel.${level}`),
        type: 'radio' as const,
        checked: actions.logLevel.current === level,
        click: () => actions.logLevel.set(level),
      })),
    },
    { label: t('tray.diagnostics'), click: () => actions.collectDiagnostics() },
    { type: 'separator' },
    { label: t('tray.quit'), click: () => actions.quit() },
  ];
}

export interface AppTray {
  destroy(): void;
}

export function setupTray(
  agent: Agent,
  actions: TrayActions,
  iconsDir: string,
  translator: Translator = english,
): AppTray {
  // 16x16 with a 32x32 @2x companion, which nativeImage picks up by its name.
  const icons = new Map(
    TRAY_ICON_NAMES.map((name) => [name, nativeImage.createFromPath(join(iconsDir, `${name}.png`))]),
  );
  let shown = trayIconFor(agent.status());
  const tray = new Tray(icons.get(shown)!);
  tray.on('click', () => actions.open());

  const update = () => {
    const current = agent.status();
    const icon = trayIconFor(current);
    if (icon !== shown) {
      tray.setImage(icons.get(icon)!);
      shown = icon;
    }
    tray.setToolTip(trayTooltip(current, new Date(), translator));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(current, actions, translator)));
  };
  update();
  agent.on('change', update);
  return {
    destroy: () => {
      agent.off('change', update);
      tray.destroy();
    },
  };
}

function formatWhen(iso: string | null, now: Date, translator: Translator): string {
  if (!iso) return translator.t('tray.never');
  const when = new Date(iso);
  const time = translator.time(when.getTime());
  return when.toDateString() === now.toDateString() ? time : `${translator.date(when.getTime())} ${time}`;
}
