// `npm run build:electron`: bundles the Electron shell into out/main with esbuild.
// - out/main/main.mjs: the main process (ESM; electron-store is ESM-only). electron and the native
//   better-sqlite3 stay outside the bundle; CommonJS dependencies get a real `require`.
// - out/main/preload.cjs: the sandboxed preload. A sandboxed preload cannot load files, and gets
//   `require` for electron only, so it is one CommonJS file with electron as its single import.
// - out/main/tray/: the tray icons (assets/tray).
// - out/main/THIRD-PARTY-NOTICES.txt: the licences of the bundled packages (third-party-notices.mjs).
// The entry is main/app-cli/entry.ts: the tray app, or a varsync command in CLI mode.
// `node scripts/build-electron.mjs [DIR]` builds into DIR (inside the checkout, so that the bundle
// finds node_modules) instead of out/main; the tests use their own folder.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledPackages, NOTICES_FILE, noticesText } from './third-party-notices.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? join('out', 'main'));
const production = process.env.NODE_ENV === 'production';

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  sourcemap: !production,
  minify: production,
  legalComments: 'none', // the notices go to THIRD-PARTY-NOTICES.txt (scripts/third-party-notices.mjs)
  metafile: true,
  logLevel: 'warning',
};

const results = await Promise.all([
  build({
    ...common,
    entryPoints: ['main/app-cli/entry.ts'],
    outfile: join(outDir, 'main.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node24', // Electron 40 and later run Node 24 (Electron 40: 24.11.1)
    external: ['electron', 'better-sqlite3'],
    banner: {
      js: [
        "import { createRequire as __varsyncCreateRequire } from 'node:module';",
        'const require = __varsyncCreateRequire(import.meta.url);',
      ].join('\n'),
    },
  }),
  build({
    ...common,
    entryPoints: ['main/preload/index.ts'],
    outfile: join(outDir, 'preload.cjs'),
    platform: 'browser',
    format: 'cjs',
    target: 'chrome152', // Electron 44's Chromium; Electron 45's is newer
    external: ['electron'],
  }),
]);

// The licences of what the bundles and the window's UI (built first, beside out/main) contain.
const rendererDir = join(outDir, '..', 'renderer');
writeFileSync(
  join(outDir, NOTICES_FILE),
  noticesText(
    root,
    bundledPackages(
      results.map((result) => result.metafile),
      rendererDir,
    ),
  ),
);

const icons = join(root, 'assets', 'tray');
mkdirSync(join(outDir, 'tray'));
for (const file of readdirSync(icons).filter((name) => name.endsWith('.png')))
  cpSync(join(icons, file), join(outDir, 'tray', file));

console.log(`built ${relative(root, outDir)}: main.mjs, preload.cjs, tray/, ${NOTICES_FILE}`);
