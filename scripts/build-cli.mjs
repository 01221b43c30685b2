// Builds the `varsync` command and headless daemon (main/cli/main.ts) into out/cli with esbuild,
// from the same sources as the Electron bundle (scripts/build-electron.mjs): what bin/varsync.mjs
// runs, so that nothing runs TypeScript at run time.
// - ESM with code splitting: what a command imports lazily (the daemon's sync engine, HTTP client,
//   API schemas, status page, emulator) lands in chunks of its own that `set`/`get`/`status`
//   never load. All dependencies are bundled but the native better-sqlite3.
// - out/cli sits as deep as main/cli, so the paths the code derives from import.meta.url (the
//   package folder, out/renderer) are the same from the sources and from the bundle.
// - build-state.json records the inputs (scripts/cli-build-state.mjs); meta.json is esbuild's
//   metafile (the third-party notices are made from it).
// The build goes to a fresh folder first and its files are then moved in, so a command starting
// meanwhile finds either the old build or the new one. `node scripts/build-cli.mjs`.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BUILD_STATE_FILE, CLI_ENTRY, describeInputs, EXTRA_INPUTS, ROOT } from './cli-build-state.mjs';

export const CLI_META_FILE = 'meta.json';

/**
 * zod re-exports its forty-odd languages as a namespace (`z.locales`) that nothing here uses: its
 * messages are English, loaded by itself. With code splitting, those re-exports would put every
 * language in the chunk that every command loads; this resolves them to English alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(importer)
        ? { path: 'zod-locales', namespace: 'zod-english-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: ROOT,
    }));
  },
};

export async function buildCli(root = ROOT, outDir = join(root, 'out', 'cli')) {
  const staging = `${outDir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: { [CLI_ENTRY.replace(/\.mjs$/, '')]: 'main/cli/main.ts' },
      outdir: staging,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      chunkNames: 'chunk-[hash]',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['better-sqlite3'],
      plugins: [zodEnglishOnly],
      // CommonJS dependencies inside an ES module need a real `require`.
      banner: {
        js: "import { createRequire as __varsyncCreateRequire } from 'node:module'; const require = __varsyncCreateRequire(import.meta.url);",
      },
      sourcemap: 'linked',
      minify: true,
      legalComments: 'none', // the notices go to THIRD-PARTY-NOTICES.txt (scripts/third-party-notices.mjs)
      metafile: true,
      logLevel: 'warning',
    });
    // Files of this checkout (not node_modules, not the plugin's virtual module).
    const sources = Object.keys(result.metafile.inputs).filter(
      (path) => !path.startsWith('node_modules/') && !path.includes(':'),
    );
    const state = { builtAt: new Date().toISOString(), inputs: describeInputs(root, [...sources, ...EXTRA_INPUTS]) };
    writeFileSync(join(staging, CLI_META_FILE), JSON.stringify(result.metafile));
    writeFileSync(join(staging, BUILD_STATE_FILE), `${JSON.stringify(state, null, 1)}\n`);
    // Chunks first, then the entry, the state last: whoever reads a state finds its files.
    mkdirSync(outDir, { recursive: true });
    const built = readdirSync(staging);
    const order = (name) => (name === BUILD_STATE_FILE ? 2 : name.startsWith('chunk-') ? 0 : 1);
    for (const name of built.sort((a, b) => order(a) - order(b))) renameSync(join(staging, name), join(outDir, name));
    for (const name of readdirSync(outDir)) if (!built.includes(name)) rmSync(join(outDir, name), { force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return relative(root, outDir);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  console.log(`built ${await buildCli()}: ${CLI_ENTRY} and its chunks`);
}
