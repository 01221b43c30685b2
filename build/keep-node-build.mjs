// electron-builder's `beforeBuild` hook (electron-builder.yml). With `npmRebuild: true` (the
// installers' default) electron-builder rebuilds better-sqlite3 for Electron's ABI *in place*, in
// the checkout's node_modules; that build cannot be loaded by Node, so the tests and the `varsync`
// command would break on the machine that made the installers, and a rebuild that fails half way
// (no network, no compiler) can leave no build at all. This hook keeps a copy of the build that is
// there before the first rebuild and puts it back when electron-builder's process exits, after
// the installers are made or after a failure. `npm run dist:check` never rebuilds, so it never
// gets here. If the copy could not be put back (the process was killed), the path it printed holds
// it; `npm rebuild better-sqlite3` also restores Node's build.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @type {{ buildDir: string, copy: string } | undefined} */
let kept;
let listening = false;

/**
 * Copy node_modules/better-sqlite3/build of appDir aside (once per process).
 * Returns false when there is no build to keep.
 */
export function keepNodeBuild(appDir) {
  if (kept) return true;
  const buildDir = join(appDir, 'node_modules', 'better-sqlite3', 'build');
  if (!existsSync(buildDir)) return false;
  const copy = join(mkdtempSync(join(tmpdir(), 'varsync-sqlite-node-build-')), 'build');
  cpSync(buildDir, copy, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  kept = { buildDir, copy };
  console.log(
    `  • varsync: kept better-sqlite3's Node build in ${copy}; it goes back into node_modules when electron-builder exits`,
  );
  return true;
}

/** Put the kept build back (synchronous: it runs in the process's 'exit' event). Idempotent. */
export function restoreNodeBuild() {
  if (!kept) return;
  const { buildDir, copy } = kept;
  try {
    rmSync(buildDir, { recursive: true, force: true });
    cpSync(copy, buildDir, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    rmSync(join(copy, '..'), { recursive: true, force: true });
    kept = undefined;
    console.log("  • varsync: put better-sqlite3's Node build back into node_modules");
  } catch (error) {
    console.error(
      `  • varsync: could not put better-sqlite3's Node build back (${error.message}); it is in ${copy}, or run: npm rebuild better-sqlite3`,
    );
  }
}

/** @param {{ appDir: string, electronVersion: string, platform: { nodeName: string }, arch: string }} context */
export default async function beforeBuild(context) {
  if (keepNodeBuild(context.appDir) && !listening) {
    listening = true;
    process.once('exit', restoreNodeBuild);
  }
  return true; // go on with electron-builder's own rebuild for Electron's ABI
}
