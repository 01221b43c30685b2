// THIRD-PARTY-NOTICES.txt: the licence of every package the app's bundles contain. esbuild and vite
// drop the packages' own comments (legalComments: 'none') and node_modules is not packed, so the
// notices are collected here, at build time, from what the bundles were actually made of: the
// esbuild metafiles of the main process and preload (scripts/build-electron.mjs) and the module
// list of the window's UI (renderer/vite.config.ts writes it). Each package once: name, version,
// licence, and the text of its licence (and NOTICE) files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const NOTICES_FILE = 'THIRD-PARTY-NOTICES.txt';
/** Packed beside the bundles, not in them (electron-builder.yml `files`): the native SQLite module and what loads it. */
export const PACKED_PACKAGES = [
  'node_modules/better-sqlite3',
  'node_modules/bindings',
  'node_modules/file-uri-to-path',
];
/** Written by the renderer's build next to its output: the modules of the window's UI, relative to the root. */
export const RENDERER_MODULES_FILE = 'bundled-modules.json';

/** The package folder ("node_modules/@scope/name") of every node_modules path, in order, once. */
export function packagesOf(paths) {
  const packages = new Set();
  for (const path of paths) {
    const normalized = path.replaceAll('\\', '/');
    const at = normalized.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const parts = normalized.slice(at + 'node_modules/'.length).split('/');
    const name = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    packages.add(`${normalized.slice(0, at)}node_modules/${name}`);
  }
  return [...packages];
}

/** The text of the notices for these package folders (relative to `root`). */
export function noticesText(root, packageDirs) {
  const entries = new Map();
  for (const dir of packageDirs) {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const key = `${manifest.name}@${manifest.version}`;
    if (entries.has(key)) continue;
    const files = readdirSync(join(root, dir))
      .filter((name) => /^(licen[cs]e|copying|notice)/i.test(name))
      .sort();
    const texts = files.map((name) => readFileSync(join(root, dir, name), 'utf8').trim());
    const license = typeof manifest.license === 'string' ? manifest.license : (manifest.license?.type ?? 'see below');
    entries.set(
      key,
      [
        `${manifest.name} ${manifest.version}`,
        `License: ${license}`,
        ...(manifest.homepage ? [`Homepage: ${manifest.homepage}`] : []),
        '',
        texts.length > 0
          ? texts.join('\n\n')
          : `(the package carries no licence file; its package.json says ${license})`,
      ].join('\n'),
    );
  }
  const sorted = [...entries.keys()].sort((a, b) => a.localeCompare(b));
  return [
    'Varsync includes the following third-party software.',
    '',
    ...sorted.map((key) => `${'='.repeat(78)}\n${entries.get(key)}\n`),
  ].join('\n');
}

/** The package folders in esbuild metafiles' inputs and the renderer's module list (when built), and the packed ones. */
export function bundledPackages(metafiles, rendererDir) {
  const paths = metafiles.flatMap((metafile) => Object.keys(metafile.inputs));
  const rendererList = rendererDir && join(rendererDir, RENDERER_MODULES_FILE);
  if (rendererList && existsSync(rendererList)) paths.push(...JSON.parse(readFileSync(rendererList, 'utf8')));
  return [...new Set([...packagesOf(paths), ...PACKED_PACKAGES])];
}
