// The tray: an icon for the state at a glance, a tooltip with what is pending and when the last
// sync was, and the menu (Open, Sync now, Pause/Resume, Open logs folder, Log level, Collect
// diagnostics..., Quit). It follows the
// agent's 'change' events; the menu is rebuilt each time, so its labels are always current.
import { Menu, nativeImage, Tray, type MenuItem, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { StatusView } from '../../shared/agent-api.js';
import type { Agent } from '../core/agent.js';
import { LOG_LEVELS, type LogLevel } from '../core/log.js';

export type TrayIconName = 'synced' | 'syncing' | 'pending' | 'attention' | 'paused';
export const TRAY_ICON_NAMES: TrayIconName[] = ['synced', 'syncing', 'pending', 'attention', 'paused'];

export const LOG_LEVEL_LABELS: Record<LogLevel, string> = {
  error: 'Errors only',
  warn: 'Warnings',
  info: 'Normal',
  debug: 'Debug (most detail)',
};

const STATE_LABELS: Record<StatusView['state'], string> = {
  synced: 'Synced',
  syncing: 'Syncing…',
  pending: 'Waiting to send',
  offline: 'Offline, will send when back',
  attention: 'Needs attention',
  paused: 'Paused',
};

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
export function statusLine(status: StatusView): string {
  const state = STATE_LABELS[status.state];
  return status.demo ? `${state} (demo)` : state;
}

/** At most a few short lines (Windows cuts tooltips at 127 characters). */
export function trayTooltip(status: StatusView, now: Date = new Date()): string {
  const counts = [`${status.pending} pending`];
  if (status.failed > 0) counts.push(`${status.failed} refused`);
  const lines = [
    `Varsync: ${statusLine(status)}`,
    counts.join(', '),
    `Last sync: ${formatWhen(status.lastSyncAt, now)}`,
  ];
  if (status.explanation && trayIconFor(status) === 'attention') lines.push(status.explanation.reason);
  return lines.join('\n').slice(0, 127);
}

export function trayMenuTemplate(status: StatusView, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { label: statusLine(status), enabled: false },
    { type: 'separator' },
    { label: 'Open', click: () => actions.open() },
    { label: 'Sync now', enabled: !status.paused, click: () => actions.syncNow() },
    status.paused
      ? { label: 'Resume', click: () => actions.resume() }
      : { label: 'Pause', click: () => actions.pause() },
    { type: 'separator' },
    ...(actions.launchAtLogin.supported
      ? [
          {
            label: 'Start at login',
            type: 'checkbox' as const,
            checked: actions.launchAtLogin.enabled,
            click: (item: MenuItem) => actions.launchAtLogin.set(item.checked),
          },
        ]
      : []),
    { label: 'Open logs folder', click: () => actions.openLogsFolder() },
    {
      label: 'Log level',
      submenu: LOG_LEVELS.map((level) => ({
        label: LOG_LEVEL_LABELS[level],
        type: 'radio' as const,
        checked: actions.logLevel.current === level,
        click: () => actions.logLevel.set(level),
      })),
    },
    { label: 'Collect diagnostics...', click: () => actions.collectDiagnostics() },
    { type: 'separator' },
    { label: 'Quit', click: () => actions.quit() },
  ];
}

export interface AppTray {
  destroy(): void;
}

export function setupTray(agent: Agent, actions: TrayActions, iconsDir: string): AppTray {
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
    tray.setToolTip(trayTooltip(current));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(current, actions)));
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

function formatWhen(iso: string | null, now: Date): string {
  if (!iso) return 'never';
  const when = new Date(iso);
  const time = when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return when.toDateString() === now.toDateString() ? time : `${when.toLocaleDateString()} ${time}`;
}
