// The Electron shell's composition root (DESIGN.md "Boundaries", in the style of Electron
// Fiddle's src/main/main.ts): what the desktop app is, as a list of setup calls. Each concern
// lives in its own file; the agent itself is main/core, the same as the command line's.
import { app, session } from 'electron';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChangeFeed } from '../core/change-feed.js';
import { silentLogger } from '../core/log.js';
import { existsSync } from 'node:fs';
import { electronConfigLocations, setupAgent } from './agent-setup.js';
import { setupApplicationMenu } from './app-menu.js';
import { setupCrashHandling } from './crash-handling.js';
import { collectDiagnostics } from './diagnostics.js';
import { createAgentService, forwardChanges, setupIpc } from './ipc.js';
import { appLanguages, windowUrl } from './locale.js';
import { translatorFor } from '../../shared/i18n/languages.js';
import { failStartup, setupLifecycle } from './lifecycle.js';
import { setupLogFile } from './logging.js';
import { setupNetwork } from './network.js';
import { openedAtLogin, setupLoginItem } from './login-item.js';
import { appPaths, setupAppIdentity } from './paths.js';
import { setupAppProtocol } from './protocol.js';
import { registerAppScheme, restrictPermissions, setupWebContentsSecurity } from './security.js';
import { safeStorageSecrets } from './secrets.js';
import { UserSettings } from './settings.js';
import { setupSessionEnd } from './session-end.js';
import { applySetArguments, setupSingleInstance, type InstanceHandover } from './single-instance.js';
import { setupSyncTriggers } from './sync-triggers.js';
import { watchTrayIcon } from './tray-host.js';
import { setupTray } from './tray.js';
import { MainWindow } from './window.js';

const paths = appPaths(dirname(fileURLToPath(import.meta.url)));

// Before ready.
setupAppIdentity();
registerAppScheme();
const handover = setupSingleInstance();
if (handover) start(handover).catch((error: unknown) => failStartup(error, silentLogger));
else app.quit();

async function start(handover: InstanceHandover): Promise<void> {
  await app.whenReady();
  const logFile = setupLogFile();
  setupCrashHandling(logFile.logger, logFile.dir);
  try {
    const settings = UserSettings.open(app.getPath('userData'));
    const running = await setupAgent({
      env: process.env,
      userSettings: settings.configLayer(),
      logger: (_level, config) => logFile.configure(config),
      sqliteNativeBinding: existsSync(paths.sqliteForElectron) ? paths.sqliteForElectron : undefined,
      locations: electronConfigLocations(),
      secrets: await safeStorageSecrets(),
      logDir: logFile.dir,
      network: (config, log) => setupNetwork(config, session.defaultSession, log),
    });
    settings.vendorLaunchAtLogin = running.config.vendor.launchAtLogin;
    const { agent } = running;
    const log = logFile.logger;

    setupWebContentsSecurity(log);
    restrictPermissions(session.defaultSession, log);
    const languages = appLanguages(running.config.values.locale);
    const translator = translatorFor(languages);
    setupApplicationMenu();
    setupAppProtocol(paths.rendererDir);
    const trayIconShown = watchTrayIcon(log, () => setupApplicationMenu(process.platform, false, translator));
    const window = new MainWindow({
      preload: paths.preload,
      bounds: settings,
      log,
      trayIconVisible: trayIconShown,
      url: windowUrl(languages),
    });
    const feed = new ChangeFeed(agent);
    setupIpc(createAgentService(agent, logFile.openFolder, feed), log);
    forwardChanges(agent, feed, () => window.contents);
    const loginItem = setupLoginItem(settings);
    const tray = setupTray(
      agent,
      {
        open: () => window.show(),
        syncNow: () => void agent.syncNow().catch((error: Error) => log.warn(`sync now: ${error.message}`)),
        pause: () => agent.pause(),
        resume: () => agent.resume(),
        openLogsFolder: () => void logFile.openFolder(),
        logLevel: {
          get current() {
            return logFile.level;
          },
          set: (level) => logFile.setLevel(level),
        },
        collectDiagnostics: () => void collectDiagnostics({ agent, config: running.config, logsDir: logFile.dir, log }),
        quit: () => app.quit(),
        launchAtLogin: loginItem,
      },
      paths.trayIconsDir,
      translator,
    );
    const stopSyncTriggers = setupSyncTriggers(agent, log);
    const stopShell = () => {
      stopSyncTriggers();
      tray.destroy();
    };
    setupLifecycle(async () => {
      stopShell();
      await running.close();
    }, log);
    setupSessionEnd(() => {
      stopShell();
      running.closeNow();
    }, log);
    handover.deliverTo((argv) => applySetArguments(argv, agent, log) || window.show());
    if (!applySetArguments(process.argv, agent, log) && !openedAtLogin(process.argv)) window.show();
  } catch (error) {
    failStartup(error, logFile.logger);
  }
}
