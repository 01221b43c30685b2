// The installers carry the licence of every package the app contains (issue 14, item 5): the build
// writes THIRD-PARTY-NOTICES.txt from what the bundles were made of. This builds the window's UI
// and the main process into a folder of its own and checks, from the bundles' own text (esbuild
// names each module's file in a comment), that every package in them has its entry with its
// version and licence text, and that electron-builder.yml ships the file with every target.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import {
  NOTICES_FILE,
  packagesOf,
  PACKED_PACKAGES,
  RENDERER_MODULES_FILE,
} from '../../scripts/third-party-notices.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'out', 'test', 'notices');

function run(args: string[]): void {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
}

beforeAll(() => {
  run([
    'node_modules/vite/bin/vite.js',
    'build',
    '--config',
    'renderer/vite.config.ts',
    '--outDir',
    join(OUT, 'renderer'),
    '--emptyOutDir',
    '--logLevel',
    'warn',
  ]);
  run(['scripts/build-electron.mjs', join(OUT, 'main')]);
}, 120_000);

it('names every bundled and packed package with its version and licence text', () => {
  const notices = readFileSync(join(OUT, 'main', NOTICES_FILE), 'utf8');
  const bundleFiles = ['main.mjs', 'preload.cjs'].flatMap((name) =>
    [...readFileSync(join(OUT, 'main', name), 'utf8').matchAll(/^\/\/ (node_modules\/\S+)$/gm)].map((m) => m[1]!),
  );
  const rendererFiles = JSON.parse(readFileSync(join(OUT, 'renderer', RENDERER_MODULES_FILE), 'utf8')) as string[];
  const packages = [...new Set([...packagesOf([...bundleFiles, ...rendererFiles]), ...PACKED_PACKAGES])];
  // The ones the issue names, so that an empty list cannot pass.
  for (const name of ['axios', 'zod', 'preact', 'electron-log', 'electron-store', 'yazl', 'better-sqlite3'])
    expect(packages).toContain(`node_modules/${name}`);
  const entries = notices.split(/^={78}$/m).slice(1);
  const named = new Set<string>();
  for (const dir of packages) {
    const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    named.add(`${manifest.name}@${manifest.version}`);
    const entry = entries.find((text) => text.startsWith(`\n${manifest.name} ${manifest.version}\n`));
    expect(entry, `${manifest.name} ${manifest.version}`).toBeDefined();
    expect(entry, manifest.name).toMatch(/\nLicense: \S+/);
    // The licence's own words (every package here carries a licence file).
    expect(entry, manifest.name).toMatch(/permission|licen[cs]e|copyright/i);
  }
  // Each once (a package nested twice at the same version is one entry), and nothing else.
  expect(entries).toHaveLength(named.size);
});

it('is shipped beside the app in every target', () => {
  expect(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')).toMatch(
    /^extraResources:\n {2}- from: out\/main\/THIRD-PARTY-NOTICES\.txt\n {4}to: THIRD-PARTY-NOTICES\.txt$/m,
  );
});
