// The `varsync` command runs its build (out/cli), never the TypeScript sources, and never a stale
// build: a source changed since the build is rebuilt first (with a line saying so), or refused
// with a line saying what to run where it cannot be rebuilt. The staleness cases run on a copy of
// the sources inside the checkout (so that node_modules is found), never on the checkout's own.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../scripts/build-cli.mjs';
import { CLI_ENTRY, CLI_OUT_DIR, ROOT } from '../../scripts/cli-build-state.mjs';

/**
 * Node resolve hooks that report every module the process loads, one URL a line on stderr. The
 * hooks run on their own thread from Node 22 on, whose process.stderr may never be flushed before
 * the process exits: they write to file descriptor 2 directly.
 */
const RECORD_LOADS = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  writeSync(2, 'loaded ' + result.url + '\\\\n');
  return result;
}\`));`)}`;

function run(root: string, args: string[], nodeOptions: string[] = []) {
  const result = spawnSync(process.execPath, [...nodeOptions, join(root, 'bin', 'varsync.mjs'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, VARSYNC_DATA_DIR: join(root, 'data') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/varsync.mjs', () => {
  it('runs the built bundle in out/cli: no TypeScript source and no tsx is loaded', () => {
    const { code, stdout, stderr } = run(ROOT, ['--help'], ['--import', RECORD_LOADS]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('Usage: varsync COMMAND');
    const loaded = [...stderr.matchAll(/^loaded (\S+)$/gm)].map((match) => match[1]!);
    expect(loaded).toContain(`file://${join(CLI_OUT_DIR, CLI_ENTRY)}`);
    expect(loaded.filter((url) => url.endsWith('.ts') || url.includes('/tsx/'))).toEqual([]);
    expect(stderr).not.toContain('building out/cli');
  });
});

describe('a build older than the sources', () => {
  const copy = join(ROOT, 'out', 'test', `stale-${process.pid}`);
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('is rebuilt before it runs, is not rebuilt for a file touched but unchanged, and is refused where it cannot be rebuilt', async () => {
    rmSync(copy, { recursive: true, force: true });
    for (const part of ['bin', 'scripts', 'main', 'shared', 'emulator', 'package.json'])
      cpSync(join(ROOT, part), join(copy, part), { recursive: true });
    mkdirSync(join(copy, 'node_modules'));
    cpSync(join(ROOT, 'node_modules', '.package-lock.json'), join(copy, 'node_modules', '.package-lock.json'));
    await buildCli(copy);

    const fresh = run(copy, ['--help']);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).toBe('');
    expect(fresh.stdout).toContain('Keeps this device’s variables in step');

    // An edit (as a `git pull` makes): rebuilt first, and the new text is what runs.
    const source = join(copy, 'main', 'cli', 'main.ts');
    writeFileSync(
      source,
      readFileSync(source, 'utf8').replace('Keeps this device’s variables in step', 'Keeps EDITED variables in step'),
    );
    const edited = run(copy, ['--help']);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stderr).toBe('varsync: building out/cli first (main/cli/main.ts changed) ...\n');
    expect(edited.stdout).toContain('Keeps EDITED variables in step');
    expect(run(copy, ['--help']).stderr).toBe('');

    // Touched, same content (a checkout of the same commit): no rebuild.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(copy, 'shared', 'variables.ts'), later, later);
    expect(run(copy, ['--help']).stderr).toBe('');

    // Changed where esbuild cannot be loaded (here: the build script is gone): refused in one line.
    writeFileSync(source, readFileSync(source, 'utf8').replace('Keeps EDITED', 'Keeps AGAIN EDITED'));
    rmSync(join(copy, 'scripts', 'build-cli.mjs'));
    const refused = run(copy, ['--help']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /^varsync: the built command in out\/cli cannot run: main\/cli\/main\.ts changed, and it cannot be rebuilt here .*; run npm install \(it builds\), or npm run build\.\n$/,
    );
  }, 120_000);
});
