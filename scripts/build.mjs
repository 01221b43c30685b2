// `npm run build` (and `npm install`/`npm ci`, through the prepare script): every bundle that runs,
// from the same sources, into out/: the `varsync` command and daemon (out/cli,
// scripts/build-cli.mjs) and the Electron main process and preload (out/main,
// scripts/build-electron.mjs). The window's UI is built by vite (npm run build:renderer).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildCli } from './build-cli.mjs';

console.log(`built ${await buildCli()}: the varsync command`);
const electron = spawnSync(process.execPath, [join(import.meta.dirname, 'build-electron.mjs')], { stdio: 'inherit' });
if (electron.status !== 0) process.exit(electron.status ?? 1);
