// Is out/cli (the built `varsync` command) the build of the sources in this checkout? The build
// records every source file it bundled (esbuild's metafile inputs) with its size, time and SHA-256
// in out/cli/build-state.json; bin/varsync.mjs and the tests' global set-up compare that record
// with the files before running anything, so that a `git pull` or an edit is never run stale.
// Cheap on the common path: one stat per source file; a file is hashed only when its time moved.
// This module imports nothing heavy: it runs before every command.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const CLI_OUT_DIR = join(ROOT, 'out', 'cli');
export const CLI_ENTRY = 'main.mjs';
export const BUILD_STATE_FILE = 'build-state.json';
/** Besides the bundled sources: the build itself, and npm's record of node_modules (it changes with every install). */
export const EXTRA_INPUTS = ['scripts/build-cli.mjs', 'package.json', 'node_modules/.package-lock.json'];

/** What the build writes: each input's size, modification time and hash, by path relative to the root. */
export function describeInputs(root, paths) {
  const inputs = {};
  for (const path of paths) {
    const full = join(root, path);
    const { size, mtimeMs } = statSync(full);
    inputs[path] = { size, mtimeMs, sha256: sha256(full) };
  }
  return inputs;
}

/**
 * Why the build in `outDir` cannot be run as it is, in words (missing, or which input changed);
 * undefined when it is the build of the files in `root` now.
 */
export function cliBuildProblem(root = ROOT, outDir = join(root, 'out', 'cli')) {
  let state;
  try {
    state = JSON.parse(readFileSync(join(outDir, BUILD_STATE_FILE), 'utf8'));
    statSync(join(outDir, CLI_ENTRY));
  } catch {
    return 'it has not been built';
  }
  for (const [path, recorded] of Object.entries(state.inputs ?? {})) {
    const full = join(root, path);
    let now;
    try {
      now = statSync(full);
    } catch {
      return `${path} is gone`;
    }
    if (now.size !== recorded.size) return `${path} changed`;
    if (now.mtimeMs !== recorded.mtimeMs && sha256(full) !== recorded.sha256) return `${path} changed`;
  }
  return undefined;
}

/**
 * Make sure out/cli is current: rebuild it if not (saying why on `say`), or, where esbuild is not
 * installed, throw an error that says what to run.
 */
export async function ensureCliBuilt(say, root = ROOT) {
  const problem = cliBuildProblem(root);
  if (!problem) return;
  let buildCli;
  try {
    ({ buildCli } = await import('./build-cli.mjs'));
  } catch (error) {
    throw new Error(
      `the built command in out/cli cannot run: ${problem}, and it cannot be rebuilt here (${error.code ?? error.message}); run npm install (it builds), or npm run build.`,
      { cause: error },
    );
  }
  say(`varsync: building out/cli first (${problem}) ...`);
  await buildCli(root);
}

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
