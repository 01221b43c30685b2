// Stands in for electron-store in unit tests (the real one imports electron itself, from inside
// node_modules where vi.mock cannot reach): the same `conf` store underneath, the same options,
// and the same IPC listener that the real one registers for renderer-side use.
import Conf from 'conf';
import { ipcMain } from './fake-electron.js';

interface Options<T extends Record<string, unknown>> {
  name?: string;
  cwd?: string;
  defaults?: T;
}

export default class FakeElectronStore<T extends Record<string, unknown>> extends Conf<T> {
  constructor({ name = 'config', cwd, defaults }: Options<T> = {}) {
    if (!cwd) throw new Error('the shell gives electron-store its folder (cwd)');
    ipcMain.on('electron-store-get-data', () => {});
    super({ configName: name, cwd, defaults, projectVersion: '0.0.0-test' });
  }
}
