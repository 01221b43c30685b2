// `npm run dist:check` as a person runs it: on this machine (no Electron, no network) it validates
// the configuration, says in plain lines what it skipped and why, and exits 0; it fails, naming
// the problem, on a broken configuration; with an Electron distribution it packs the app with
// `electron-builder --dir` and checks the result. None of it touches node_modules' better-sqlite3.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../helpers/agent.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'dist-check.mjs');
const SQLITE_BUILD = join(ROOT, 'node_modules', 'better-sqlite3', 'build');
const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));

/** Every file of node_modules/better-sqlite3/build with its size, modification time and hash. */
function sqliteBuild(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else
        files[path.slice(SQLITE_BUILD.length + 1)] =
          `${stat.size} ${stat.mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
    }
  };
  walk(SQLITE_BUILD);
  return files;
}

function distCheck(args: string[] = [], extraEnv: Record<string, string> = {}) {
  // No Electron distribution unless the test gives one.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => name !== 'VARSYNC_ELECTRON_DIST' && name !== 'ELECTRON_OVERRIDE_DIST_PATH',
    ),
  );
  const started = Date.now();
  const result = spawnSync(process.execPath, [SCRIPT, ...args], {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return {
    status: result.status,
    lines: result.stdout.split('\n'),
    stdout: result.stdout,
    stderr: result.stderr,
    seconds: (Date.now() - started) / 1000,
  };
}

// Each case spawns the check (which loads electron-builder's schema): seconds on a quiet machine,
// several times that on a loaded one.
const CHECK_TIMEOUT_MS = 120_000;

let buildBefore: Record<string, string>;
beforeEach(() => {
  buildBefore = sqliteBuild();
  expect(Object.keys(buildBefore)).toContain(join('Release', 'better_sqlite3.node'));
});
afterEach(() => {
  // The guard of the issue: no packaging step may change node_modules' build of better-sqlite3.
  expect(sqliteBuild()).toEqual(buildBefore);
});

describe('npm run dist:check on this machine', () => {
  it(
    'passes, quickly, and says what it checked, what it skipped and why',
    () => {
      const run = distCheck();
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.seconds).toBeLessThan(30);
      expect(run.lines[0]).toMatch(/^Varsync dist:check \(electron-builder 26\.\d+\.\d+, electron-builder\.yml\)$/);
      expect(run.stdout).not.toMatch(/FAILED/);
      expect(run.stdout).toMatch(/^checked {2}electron-builder\.yml passes electron-builder [\d.]+'s own schema/m);
      for (const topic of [
        'win targets: nsis, msi',
        'mac targets: dmg, zip',
        'linux targets: AppImage, deb, tar.gz',
        'fuses: runAsNode false',
        'electronFuses.resetAdHocDarwinSignature true',
        'asarUnpack: better-sqlite3',
        'no file associations',
        'files: out/main, out/renderer and package.json',
      ]) {
        expect(run.stdout).toContain(`checked  ${topic}`);
      }
      const skipped = run.lines.filter((line) => line.startsWith('skipped  '));
      expect(skipped).toHaveLength(3);
      expect(skipped[0]).toMatch(
        /^skipped {2}electron-builder --dir \(an unpacked app to inspect\): no Electron distribution given: neither VARSYNC_ELECTRON_DIST nor ELECTRON_OVERRIDE_DIST_PATH is set \(a machine without internet access cannot download Electron\)\./,
      );
      expect(skipped[0]).toMatch(
        new RegExp(
          `point VARSYNC_ELECTRON_DIST at an unpacked Electron 45\\.\\d+\\.\\d+ for ${process.platform}-${process.arch}\\.$`,
        ),
      );
      expect(skipped[1]).toMatch(
        /^skipped {2}the installers \(NSIS, MSI, dmg, zip, AppImage, deb, tar\.gz\): they are built on a build machine .*npm run dist/,
      );
      expect(skipped[2]).toMatch(
        /^skipped {2}rebuilding better-sqlite3 for Electron's ABI: never done by dist:check \(npmRebuild false\)/,
      );
      expect(run.stdout).toMatch(
        /^checked {2}node_modules\/better-sqlite3's build is untouched \(sha256 [0-9a-f]{16}/m,
      );
      expect(run.lines.filter(Boolean).at(-1)).toMatch(
        /^dist:check passed: \d+ checked, 3 skipped, 0 failed \([\d.]+ s\)$/,
      );
    },
    CHECK_TIMEOUT_MS,
  );

  it(
    'explains an Electron distribution variable that points at no Electron',
    () => {
      const empty = tempDir('varsync-no-electron-');
      const run = distCheck([], { VARSYNC_ELECTRON_DIST: empty });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain(
        `skipped  electron-builder --dir (an unpacked app to inspect): VARSYNC_ELECTRON_DIST (${empty}) has no `,
      );
    },
    CHECK_TIMEOUT_MS,
  );

  it(
    'fails on a configuration that misses a target, weakens a fuse, associates files or packs the tests, naming each',
    () => {
      const dir = tempDir('varsync-bad-builder-');
      const broken = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')
        .replace('    - msi\n', '')
        .replace('runAsNode: false', 'runAsNode: true')
        .replace('resetAdHocDarwinSignature: true', 'resetAdHocDarwinSignature: false')
        .replace('fileAssociations: []', 'fileAssociations:\n  - ext: vars\n    name: Varsync variables')
        .replace('  - out/main/**/*\n', '  - out/main/**/*\n  - test/**/*\n');
      writeFileSync(join(dir, 'electron-builder.yml'), broken);
      const run = distCheck(['--config', join(dir, 'electron-builder.yml')]);
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('FAILED   win targets: nsis, msi: missing msi (has nsis)');
      expect(run.stdout).toContain('runAsNode is true');
      expect(run.stdout).toMatch(/^FAILED {3}electronFuses\.resetAdHocDarwinSignature true: .*: it is false$/m);
      expect(run.stdout).toContain('FAILED   no file associations or URL schemes: fileAssociations set');
      expect(run.stdout).toContain('test/app/packaging.test.ts packed');
      expect(run.stdout).toContain('skipped  electron-builder --dir');
      expect(run.lines.filter(Boolean).at(-1)).toMatch(/^dist:check FAILED: \d+ checked, 3 skipped, 5 failed/);
    },
    CHECK_TIMEOUT_MS,
  );

  it(
    "fails on what electron-builder's schema refuses, and on a file it cannot read",
    () => {
      const dir = tempDir('varsync-bad-builder-');
      writeFileSync(
        join(dir, 'unknown.yml'),
        `${readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')}\nnsisOptions:\n  oneClick: false\n`,
      );
      const unknown = distCheck(['--config', join(dir, 'unknown.yml')]);
      expect(unknown.status).toBe(1);
      expect(unknown.stdout).toMatch(/^FAILED {3}electron-builder's schema: .*unknown property 'nsisOptions'/m);

      writeFileSync(join(dir, 'syntax.yml'), 'appId: [unclosed\n');
      const syntax = distCheck(['--config', join(dir, 'syntax.yml')]);
      expect(syntax.status).toBe(1);
      expect(syntax.stdout).toContain(`FAILED   electron-builder could not load ${join(dir, 'syntax.yml')}`);
    },
    CHECK_TIMEOUT_MS,
  );

  it(
    'refuses an unknown argument with its usage',
    () => {
      const run = distCheck(['--bogus']);
      expect(run.status).toBe(2);
      expect(run.stdout).toContain('dist:check: unknown argument --bogus');
      expect(run.stdout).toContain('npm run dist:check');
    },
    CHECK_TIMEOUT_MS,
  );
});

/**
 * A stand-in for an unpacked Electron for Linux: what electron-builder copies and renames, with
 * the fuse wire Electron carries (the sentinel, version 1, the fuses as '0'/'1'), set the opposite
 * way of electron-builder.yml so that the test sees electron-builder flip every one.
 */
function standInElectron(): string {
  const dir = tempDir('varsync-electron-dist-');
  mkdirSync(join(dir, 'resources'));
  const wire = Buffer.from('101100010', 'ascii'); // RunAsNode .. GrantFileProtocolExtraPrivileges, and one more
  const binary = Buffer.concat([
    Buffer.from('#!/bin/sh\necho stand-in\n#'),
    Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
    Buffer.from([1, wire.length]),
    wire,
  ]);
  writeFileSync(join(dir, 'electron'), binary, { mode: 0o755 });
  writeFileSync(join(dir, 'version'), createRequire(import.meta.url)('electron/package.json').version);
  writeFileSync(join(dir, 'LICENSE'), 'MIT');
  return dir;
}

describe.runIf(process.platform === 'linux')('npm run dist:check with an Electron distribution', () => {
  // Runs on a fresh `npm ci` tree too (CI's clean clone): dist:check copies the production closure
  // into its staging folder, so electron-builder's collector finds `bindings` (see copyProductionModules).
  it('packs the app with electron-builder --dir (npmRebuild false) and checks what it packed', async () => {
    const out = tempDir('varsync-dir-check-');
    const electron = standInElectron();
    onTestFinished(() => {
      for (const dir of [out, electron]) rmSync(dir, { recursive: true, force: true });
    });
    const run = distCheck(['--out', out], { VARSYNC_ELECTRON_DIST: electron });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^checked {2}electron-builder --dir packed the app with VARSYNC_ELECTRON_DIST=.*, npmRebuild false, into /m,
    );
    for (const topic of [
      'app.asar starts out/main/main.mjs',
      'app.asar holds no sources, tests',
      'better_sqlite3.node is unpacked',
      'every package the app loads is packed',
      'the fuses are flipped in linux-unpacked/varsync',
      'the varsync command is in the app: linux-unpacked/varsync',
    ]) {
      expect(run.stdout).toContain(`checked  ${topic}`);
    }
    expect(run.lines.filter((line) => line.startsWith('skipped  '))).toHaveLength(2); // the installers, the rebuild
    expect(readFileSync(join(out, 'electron-builder.log'), 'utf8')).toContain(
      'skipped dependencies rebuild  reason=npmRebuild is set to false',
    );

    // What is in it, read here too.
    const app = join(out, 'linux-unpacked');
    const asar = builderRequire('@electron/asar') as {
      listPackage(file: string, options: { isPack: boolean }): string[];
    };
    const entries = asar
      .listPackage(join(app, 'resources', 'app.asar'), { isPack: false })
      .map((entry) => entry.replace(/^\//, ''));
    expect(entries).toEqual(
      expect.arrayContaining([
        'package.json',
        'out/main/main.mjs',
        'out/main/preload.cjs',
        'out/renderer/index.html',
        'node_modules/better-sqlite3/package.json',
        'node_modules/bindings/bindings.js',
      ]),
    );
    expect(
      entries.filter(
        (entry) =>
          /^(main|shared|renderer|test|e2e|bench|docs|scripts|out\/test|out\/native)\//.test(entry) ||
          /\.(ts|map)$/.test(entry),
      ),
    ).toEqual([]);
    expect(entries.filter((entry) => /^node_modules\/(tsx|esbuild|axios|zod)\//.test(entry))).toEqual([]);
    // npmRebuild false: the unpacked module is node_modules' own build, byte for byte.
    const unpacked = readFileSync(
      join(
        app,
        'resources',
        'app.asar.unpacked',
        'node_modules',
        'better-sqlite3',
        'build',
        'Release',
        'better_sqlite3.node',
      ),
    );
    expect(unpacked.equals(readFileSync(join(SQLITE_BUILD, 'Release', 'better_sqlite3.node')))).toBe(true);
    expect(existsSync(join(app, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'deps'))).toBe(
      false,
    );
    // The fuses, as electron-builder.yml sets them (the ninth is not configured and stays as it was).
    const binary = readFileSync(join(app, 'varsync'));
    const at = binary.indexOf('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX') + 32 + 2;
    expect(binary.subarray(at, at + 9).toString('ascii')).toBe('010011000');

    // The packed app's CLI mode, run through Node (a stand-in has no Electron in it): its main
    // process as packed, with the fake electron, answers `varsync set` and `status --json`.
    const extracted = join(out, 'app-extracted');
    (builderRequire('@electron/asar') as { extractAll(archive: string, dest: string): void }).extractAll(
      join(app, 'resources', 'app.asar'),
      extracted,
    );
    const dataDir = join(out, 'data');
    const packedCli = (args: string[]) =>
      spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '--import',
          pathToFileURL(join(ROOT, 'test', 'app', 'helpers', 'fake-electron-register.mjs')).href,
          join(extracted, 'out', 'main', 'main.mjs'),
          ...args,
        ],
        { cwd: ROOT, env: { PATH: process.env.PATH, VARSYNC_DATA_DIR: dataDir, TMPDIR: out }, encoding: 'utf8' },
      );
    const set = packedCli(['set', 'installed_by=setup', 'seats:=5']);
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toBe('queued 2\n');
    const status = packedCli(['status', '--json']);
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'pending', pending: 2 });
  }, 240_000);
});
