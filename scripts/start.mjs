// `npm start`: build the window's UI, then launch the Electron tray app; where no Electron binary
// can be had, say so in one line and run the headless daemon with its status page instead.
// With no configuration, both run the built-in demo.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findElectronBinary } from './electron-binary.mjs';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, [
  'node_modules/vite/bin/vite.js',
  'build',
  '--config',
  'renderer/vite.config.ts',
  '--logLevel',
  'warn',
]);

const electron = findElectronBinary();
const electronMain = 'out/main/main.mjs';
let child;
if (electron.path && existsSync('scripts/build-electron.mjs')) {
  run(process.execPath, ['scripts/build-electron.mjs']);
  child = spawn(electron.path, [electronMain, ...process.argv.slice(2)], { stdio: 'inherit' });
} else {
  console.log(
    `No Electron here: ${electron.reason ?? 'the shell is not built'}; starting the headless daemon with its status page instead.`,
  );
  child = spawn(process.execPath, ['bin/varsync.mjs', 'run', '--demo', '--ui', ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
