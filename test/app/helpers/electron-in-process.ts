// `electron` for the built main bundle run by test/app/bundle.test.ts in a child Node process:
// the fake module, plus a control channel (process messages) through which the test looks at the
// tray, windows and handlers and acts as a user, the OS or a renderer would.
import { basename } from 'node:path';
import electron, {
  app,
  dialog,
  fakeEvent,
  FakeBrowserWindow,
  FakeMenu,
  FakeTray,
  FakeWebContents,
  ipcMain,
  protocol,
  session,
} from './fake-electron.js';

export * from './fake-electron.js';
export default electron;

app.exitProcessOnQuit = true;

export type ControlCommand =
  | { type: 'snapshot' }
  | { type: 'invoke'; channel: string; args: unknown[]; from: 'app' | 'foreign' }
  | { type: 'tray-click'; label: string }
  | { type: 'close-window' }
  | { type: 'navigate'; url: string }
  | { type: 'window-open'; url: string }
  | { type: 'second-instance'; argv: string[] }
  | { type: 'fetch'; url: string }
  | { type: 'reject-unawaited'; message: string };

function appContents(): FakeWebContents {
  const window = FakeBrowserWindow.getAllWindows()[0];
  if (!window) throw new Error('no window');
  return window.webContents;
}

async function run(command: ControlCommand): Promise<unknown> {
  switch (command.type) {
    case 'snapshot':
      return {
        name: app.name,
        userData: app.getPath('userData'),
        sandbox: app.sandboxEnabled,
        privileged: protocol.privileged,
        schemes: [...protocol.handlers.keys()],
        ipcChannels: [...ipcMain.handlers.keys()],
        loginItemSettings: app.loginItemSettings,
        applicationMenuRoles: FakeMenu.applicationMenu?.roles ?? null,
        errors: dialog.errors,
        sessionFetches: session.defaultSession.fetched,
        proxyConfig: session.defaultSession.proxyConfig ?? null,
        trays: FakeTray.instances.map((tray) => ({
          icon: basename(tray.image.path),
          iconFound: !tray.image.isEmpty(),
          tooltip: tray.tooltip,
          menu: tray.menu?.labels ?? [],
          destroyed: tray.destroyed,
        })),
        windows: FakeBrowserWindow.instances.map((window) => ({
          visible: window.visible,
          destroyed: window.destroyed,
          url: window.webContents.getURL(),
          webPreferences: window.options.webPreferences,
        })),
      };
    case 'invoke': {
      const foreign = new FakeWebContents();
      foreign.mainFrame.url = 'app://varsync/index.html';
      return ipcMain.invoke(
        command.channel,
        (command.from === 'app' ? appContents() : foreign).ipcEvent(),
        ...command.args,
      );
    }
    case 'tray-click':
      FakeTray.instances.at(-1)!.menu!.click(command.label);
      return null;
    case 'close-window':
      FakeBrowserWindow.getAllWindows()[0]!.close();
      return null;
    case 'navigate':
      return appContents().navigate(command.url);
    case 'window-open':
      return appContents().windowOpenHandler!({ url: command.url });
    case 'second-instance':
      app.emit('second-instance', fakeEvent(), command.argv, '/', { argv: command.argv });
      return null;
    case 'reject-unawaited':
      void Promise.reject(new Error(command.message));
      return null;
    case 'fetch': {
      const response = await protocol.handlers.get('app')!(new Request(command.url));
      return { status: response.status, csp: response.headers.get('content-security-policy') };
    }
  }
}

process.on('message', (message: { id: number; command: ControlCommand }) => {
  run(message.command).then(
    (result) => process.send!({ id: message.id, result }),
    (error: Error) => process.send!({ id: message.id, error: error.message }),
  );
});
