// The tray follows the agent: its icon, tooltip and menu change with the agent's 'change' events.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import {
  setupTray,
  trayIconFor,
  trayTooltip,
  TRAY_ICON_NAMES,
  type AppTray,
  type TrayActions,
} from '../../main/app/tray.js';
import { Agent } from '../../main/core/agent.js';
import { objectLayer, resolveConfig } from '../../main/core/config/resolve.js';
import { shownState } from '../../main/core/status.js';
import type { LogLevel } from '../../main/core/log.js';
import type { StatusView } from '../../shared/agent-api.js';
import { emulatorConfig, eventually, tempDir } from '../helpers/agent.js';
import { app, FakeTray, resetFakeElectron } from './helpers/fake-electron.js';
import { appLanguages, windowUrl } from '../../main/app/locale.js';
import { translatorFor } from '../../shared/i18n/languages.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

const ICONS = join(import.meta.dirname, '..', '..', 'assets', 'tray');

function recordingActions(agent: Agent): TrayActions & { calls: string[] } {
  const calls: string[] = [];
  let atLogin = false;
  let level: LogLevel = 'info';
  return {
    calls,
    open: () => calls.push('open'),
    syncNow: () => calls.push('syncNow'),
    pause: () => agent.pause(),
    resume: () => agent.resume(),
    openLogsFolder: () => calls.push('openLogsFolder'),
    logLevel: {
      get current() {
        return level;
      },
      set: (next) => {
        level = next;
        calls.push(`logLevel:${next}`);
      },
    },
    collectDiagnostics: () => calls.push('collectDiagnostics'),
    quit: () => calls.push('quit'),
    launchAtLogin: {
      supported: true,
      get enabled() {
        return atLogin;
      },
      set: (enabled) => {
        atLogin = enabled;
        calls.push(`launchAtLogin:${enabled}`);
      },
    },
  };
}

const trayShown = () => {
  const tray = FakeTray.instances.at(-1)!;
  return { icon: basename(tray.image.path), tooltip: tray.tooltip, menu: tray.menu! };
};

let agent: Agent;
let tray: AppTray;

beforeEach(() => resetFakeElectron());
afterEach(async () => {
  tray?.destroy();
  await agent?.close();
});

describe('the tray', () => {
  beforeEach(() => {
    agent = Agent.open({ config: resolveConfig([objectLayer('flag', { dataDir: tempDir('varsync-tray-') }, 'test')]) });
  });

  it('has an icon file per state', () => {
    for (const name of TRAY_ICON_NAMES) {
      expect(existsSync(join(ICONS, `${name}.png`)), name).toBe(true);
      expect(existsSync(join(ICONS, `${name}@2x.png`)), name).toBe(true);
    }
  });

  it('follows the agent: pending, paused, resumed', () => {
    const actions = recordingActions(agent);
    tray = setupTray(agent, actions, ICONS);
    expect(trayShown().icon).toBe('synced.png');
    expect(trayShown().tooltip).toBe('Varsync: Synced\n0 pending\nLast sync: never');
    expect(trayShown().menu.labels).toEqual([
      'Synced',
      'Open',
      'Sync now',
      'Pause',
      'Start at login',
      'Open logs folder',
      'Log level',
      'Collect diagnostics...',
      'Quit',
    ]);

    agent.set({ color: 'blue', seats: 3 });
    expect(trayShown().icon).toBe('pending.png');
    expect(trayShown().tooltip).toContain('2 pending');

    trayShown().menu.click('Pause');
    expect(agent.status().paused).toBe(true);
    expect(trayShown().icon).toBe('paused.png');
    expect(trayShown().tooltip).toMatch(/^Varsync: Paused\n2 pending/);
    expect(trayShown().menu.labels).toContain('Resume');
    expect(trayShown().menu.labels).not.toContain('Pause');
    expect(trayShown().menu.item('Sync now').enabled).toBe(false);

    trayShown().menu.click('Resume');
    expect(agent.status().paused).toBe(false);
    expect(trayShown().icon).toBe('pending.png');
  });

  it('menu items do what they say', () => {
    const actions = recordingActions(agent);
    tray = setupTray(agent, actions, ICONS);
    for (const label of ['Open', 'Sync now', 'Open logs folder', 'Start at login', 'Collect diagnostics...', 'Quit'])
      trayShown().menu.click(label);
    expect(actions.calls).toEqual([
      'open',
      'syncNow',
      'openLogsFolder',
      'launchAtLogin:true',
      'collectDiagnostics',
      'quit',
    ]);
    agent.set({ color: 'blue' });
    expect(trayShown().menu.item('Start at login').checked).toBe(true);
    FakeTray.instances.at(-1)!.emit('click');
    expect(actions.calls.at(-1)).toBe('open');
  });

  it('has a "Log level" submenu that shows and sets the level', () => {
    const actions = recordingActions(agent);
    tray = setupTray(agent, actions, ICONS);
    const levels = () =>
      trayShown()
        .menu.item('Log level')
        .submenu!.map((item) => `${item.label}${item.checked ? ' (checked)' : ''}`);
    expect(levels()).toEqual(['Errors only', 'Warnings', 'Normal (checked)', 'Debug (most detail)']);
    trayShown().menu.click('Log level', 'Debug (most detail)');
    expect(actions.calls).toEqual(['logLevel:debug']);
    agent.set({ color: 'blue' }); // any change rebuilds the menu
    expect(levels()).toEqual(['Errors only', 'Warnings', 'Normal', 'Debug (most detail) (checked)']);
  });

  it('offers "Start at login" only where the OS has login items', () => {
    const actions = recordingActions(agent);
    tray = setupTray(agent, { ...actions, launchAtLogin: { ...actions.launchAtLogin, supported: false } }, ICONS);
    expect(trayShown().menu.labels).toEqual([
      'Synced',
      'Open',
      'Sync now',
      'Pause',
      'Open logs folder',
      'Log level',
      'Collect diagnostics...',
      'Quit',
    ]);
  });

  it('stops following when destroyed', () => {
    tray = setupTray(agent, recordingActions(agent), ICONS);
    tray.destroy();
    expect(FakeTray.instances.at(-1)!.destroyed).toBe(true);
    agent.set({ color: 'blue' });
    expect(trayShown().icon).toBe('synced.png');
    expect(agent.listenerCount('change')).toBe(0);
  });
});

describe('the tray against a License API', () => {
  let emulator: Emulator;

  beforeEach(async () => {
    emulator = await startEmulator();
    agent = Agent.open({ config: emulatorConfig(emulator, tempDir('varsync-tray-sync-')) });
  });

  afterEach(async () => {
    tray?.destroy();
    await agent.close();
    await emulator.close();
  });

  it('shows syncing, then synced with the time of the last sync', async () => {
    tray = setupTray(agent, recordingActions(agent), ICONS);
    const seen = new Set<string>();
    agent.on('change', () => seen.add(trayShown().icon));
    agent.startEngine();
    agent.set({ color: 'blue' });
    await eventually(
      () => trayShown().icon,
      (icon) => icon === 'synced.png' && agent.status().pending === 0,
    );
    expect(seen).toContain('syncing.png');
    expect(trayShown().tooltip).toMatch(/^Varsync: Synced\n0 pending\nLast sync: \d{1,2}:\d{2}/);
  });

  it('needs attention when the license is disabled, and says why', async () => {
    emulator.state.changeLicense({ product: 'varsync-demo', licenseKey: 'DEMO-AAAA-BBBB-CCCC' }, { enabled: false });
    tray = setupTray(agent, recordingActions(agent), ICONS);
    agent.startEngine();
    agent.set({ color: 'blue' });
    await eventually(
      () => trayShown().icon,
      (icon) => icon === 'attention.png',
    );
    expect(trayShown().tooltip).toMatch(/^Varsync: Needs attention\n1 pending\nLast sync: never\n./);
    expect(trayShown().tooltip.length).toBeLessThanOrEqual(127);
  });
});

describe('the tray in the language of the OS or the configuration', () => {
  beforeEach(() => {
    agent = Agent.open({ config: resolveConfig([objectLayer('flag', { dataDir: tempDir('varsync-tray-') }, 'test')]) });
  });

  it("follows the OS's preferred languages, unless the configuration's locale fixes one", () => {
    app.systemLanguages = ['de-CH', 'en-US'];
    app.locale = 'de';
    expect(appLanguages(undefined)).toEqual(['de-CH', 'en-US', 'de']);
    expect(appLanguages('fr')).toEqual(['fr']);
    expect(translatorFor(appLanguages(undefined)).choice).toEqual({ language: 'de', tag: 'de-CH' });
    // The window gets the same list in its URL, so its first frame is in that language.
    expect(windowUrl(['de-CH', 'en-US'])).toBe('app://varsync/index.html?lang=de-CH%2Cen-US');
  });

  it('says its menu, submenu and tooltip in German, and its clicks still do what they say', () => {
    app.systemLanguages = ['de-DE'];
    const actions = recordingActions(agent);
    tray = setupTray(agent, actions, ICONS, translatorFor(appLanguages(undefined)));
    expect(trayShown().tooltip).toBe('Varsync: Synchronisiert\n0 ausstehend\nLetzte Synchronisierung: nie');
    expect(trayShown().menu.labels).toEqual([
      'Synchronisiert',
      'Öffnen',
      'Jetzt synchronisieren',
      'Pausieren',
      'Bei der Anmeldung starten',
      'Protokollordner öffnen',
      'Protokollstufe',
      'Diagnose sammeln …',
      'Beenden',
    ]);
    expect(
      trayShown()
        .menu.item('Protokollstufe')
        .submenu!.map((item) => item.label),
    ).toEqual(['Nur Fehler', 'Warnungen', 'Normal', 'Debug (am ausführlichsten)']);
    agent.set({ farbe: 'blau', plätze: 3 });
    expect(trayShown().tooltip).toMatch(/^Varsync: Wartet auf das Senden\n2 ausstehend\n/);
    trayShown().menu.click('Pausieren');
    expect(agent.status().paused).toBe(true);
    expect(trayShown().menu.labels).toContain('Fortsetzen');
    trayShown().menu.click('Öffnen');
    expect(actions.calls).toEqual(['open']);
  });

  it("says a held sync's reason in the tooltip in its language", () => {
    const text = trayTooltip(
      {
        ...agent.status(),
        state: 'attention',
        explanation: {
          reason: "This device's license is disabled.",
          action: 'Contact your administrator.',
          messages: {
            reason: { key: 'explain.code.license_not_enabled.reason' },
            action: { key: 'explain.code.license_not_enabled.action' },
          },
        },
      },
      new Date(),
      translatorFor(['de']),
    );
    expect(text.split('\n')).toEqual([
      'Varsync: Aktion erforderlich',
      '0 ausstehend',
      'Letzte Synchronisierung: nie',
      'Die Lizenz dieses Geräts ist deaktiviert.',
    ]);
  });
});

describe('icon and tooltip for a status', () => {
  const status = (change: Partial<StatusView>): StatusView => ({
    state: 'synced',
    pending: 0,
    failed: 0,
    lastSyncAt: null,
    lastAttemptAt: null,
    nextAttemptAt: null,
    lastError: null,
    explanation: null,
    clockOffsetMs: null,
    paused: false,
    product: 'p',
    hardwareId: null,
    engine: { running: true, here: true, pid: 1 },
    database: { path: '/x', recovered: null },
    demo: false,
    locale: null,
    ...change,
  });

  it.each([
    [{ state: 'synced' }, 'synced'],
    [{ state: 'syncing' }, 'syncing'],
    [{ state: 'pending', pending: 2 }, 'pending'],
    [{ state: 'offline', pending: 2 }, 'pending'],
    [{ state: 'attention' }, 'attention'],
    [{ state: 'synced', failed: 1 }, 'attention'],
    [{ state: 'paused', paused: true }, 'paused'],
    [{ state: 'attention', paused: true }, 'paused'],
    [{ state: 'paused', paused: false, pending: 1 }, 'pending'],
    [{ state: 'paused', paused: false }, 'synced'],
  ] as Array<[Partial<StatusView>, string]>)('%j -> %s', (change, icon) => {
    // The state as the core's one status projection shows it (the tray reads status.state as it is).
    const saved = status(change);
    const state = shownState(saved, {
      pending: saved.pending,
      engineRunning: saved.engine.running,
      storeProblem: false,
    });
    expect(trayIconFor({ ...saved, state })).toBe(icon);
  });

  it('says the last sync time, refused values and the demo', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const text = trayTooltip(status({ lastSyncAt: '2026-02-27T08:30:00Z', failed: 2, pending: 1, demo: true }), now);
    expect(text.split('\n')).toEqual([
      'Varsync: Synced (demo)',
      '1 pending, 2 refused',
      expect.stringMatching(/^Last sync: .*\d{1,2}:\d{2}/),
    ]);
  });
});
