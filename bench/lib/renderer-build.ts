// The window's renderer built the way `npm run build:renderer` builds it, into a folder of the
// benchmark's own (out/ is left alone): from the working tree, or from a commit's sources (the
// "before" page of benchmark 7, compared in the same run). A commit's renderer/ and shared/ are
// unpacked under node_modules/.cache, so that its Vite configuration finds this checkout's packages.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeOutput } from './proc.js';
import { childEnv } from './setup.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

/** Build the renderer whose sources are under `sourceRoot` (renderer/ and shared/) into `outDir`. */
async function viteBuild(sourceRoot: string, outDir: string): Promise<string> {
  await nodeOutput(
    [
      VITE,
      'build',
      '--config',
      join(sourceRoot, 'renderer', 'vite.config.ts'),
      '--outDir',
      outDir,
      '--logLevel',
      'warn',
    ],
    childEnv({}),
    sourceRoot,
  );
  return outDir;
}

export function buildCurrentRenderer(outDir: string): Promise<string> {
  return viteBuild(ROOT, outDir);
}

/** The renderer of `commit` (any name git knows), built into `outDir`. */
export async function buildRendererAt(commit: string, outDir: string): Promise<string> {
  const sources = join(ROOT, 'node_modules', '.cache', 'varsync-bench', `renderer-${process.pid}`);
  rmSync(sources, { recursive: true, force: true });
  mkdirSync(sources, { recursive: true });
  try {
    const archive = execFileSync('git', ['archive', '--format=tar', commit, 'renderer', 'shared'], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', sources], { input: archive });
    return await viteBuild(sources, outDir);
  } finally {
    rmSync(sources, { recursive: true, force: true });
  }
}
