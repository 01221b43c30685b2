// `npm run dist:check`: what can be checked of the installers on a machine that cannot build them
// (no Electron binary, no NSIS/WiX/dmg tools: those are downloads), quickly and without network.
// 1. electron-builder.yml, loaded by electron-builder's own loader and validated against its own
//    schema (app-builder-lib's getConfig and validateConfiguration, both offline), then Varsync's
//    requirements: every installer target, the fuses, better-sqlite3 unpacked from the ASAR, what
//    the app packs (files), no file associations, the icons, the installer resources.
// 2. `electron-builder --dir` (an unpacked app, no installer) only where an Electron distribution
//    is given: VARSYNC_ELECTRON_DIST or ELECTRON_OVERRIDE_DIST_PATH, a folder holding an unpacked
//    Electron (electron, electron.exe or Electron.app). Always with npmRebuild false. It builds the
//    window's UI and the shell into a staging folder (the checkout's out/ is left alone), packs
//    them there and checks the result: the entry, no sources or tests, better-sqlite3 unpacked,
//    every package the bundle loads present, the fuses flipped in the binary.
// Whatever it cannot do here it says, in a line starting with "skipped", with the reason. It never
// rebuilds node_modules/better-sqlite3: it fingerprints the build before and after and fails if it
// changed. Exit code 0 when nothing failed (skipped steps are not failures), 1 otherwise.
//
//   node scripts/dist-check.mjs [--config FILE] [--out DIR] [--no-build]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The installers issue 5 asks for, per platform. */
export const REQUIRED_TARGETS = { win: ['nsis', 'msi'], mac: ['dmg', 'zip'], linux: ['AppImage', 'deb', 'tar.gz'] };

/** The fuses of the desktop issue (test/app/packaging.test.ts checks the same). */
export const REQUIRED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

/** Paths (relative to the project) the app must pack, and paths it must not. */
export const MUST_PACK = [
  'package.json',
  'out/main/main.mjs',
  'out/main/preload.cjs',
  'out/main/tray/synced.png',
  'out/main/THIRD-PARTY-NOTICES.txt',
  'out/renderer/index.html',
  'out/renderer/assets/index.js',
];
export const MUST_NOT_PACK = [
  'main/app/main.ts',
  'main/core/agent.ts',
  'main/cli/main.ts',
  'shared/wire.ts',
  'renderer/index.html',
  'renderer/src/main.tsx',
  'emulator/cli.ts',
  'test/app/packaging.test.ts',
  'e2e/electron.e2e.test.ts',
  'bench/run.ts',
  'docs/VENDOR.md',
  'scripts/build-electron.mjs',
  'bin/varsync.mjs',
  'assets/tray/synced.png',
  'build/icon.png',
  'README.md',
  'tsconfig.json',
  'electron-builder.yml',
  'out/main/main.mjs.map',
  'out/test/main/main.mjs',
  'out/native/electron/better_sqlite3.node',
];
/** node_modules paths: what better-sqlite3 needs at run time, and what the bundle already holds. */
export const MUST_PACK_MODULES = [
  'node_modules/better-sqlite3/package.json',
  'node_modules/better-sqlite3/lib/index.js',
  'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
  'node_modules/bindings/bindings.js',
  'node_modules/file-uri-to-path/index.js',
];
export const MUST_NOT_PACK_MODULES = [
  'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
  'node_modules/better-sqlite3/src/better_sqlite3.cpp',
  'node_modules/better-sqlite3/build/Release/obj.target/better_sqlite3.o',
  'node_modules/better-sqlite3/build/Release/test_extension.node',
  'node_modules/better-sqlite3/build/Makefile',
  'node_modules/tsx/package.json',
  'node_modules/esbuild/bin/esbuild',
  'node_modules/@esbuild/linux-x64/bin/esbuild',
  'node_modules/axios/index.js',
  'node_modules/zod/package.json',
];
/** The `varsync` launchers (build/launchers), where electron-builder.yml puts them. */
export const LAUNCHERS = {
  win: { from: 'build/launchers/varsync.cmd', to: 'varsync.cmd' },
  mac: { from: 'build/launchers/varsync', to: 'bin/varsync' },
};
export const SQLITE_MODULE = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';

const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));

function builderVersion() {
  return builderRequire('./package.json').version;
}

/**
 * electron-builder's effective configuration of projectDir (its own loader: the YAML file, merged
 * as electron-builder merges it) and its own schema validation. Offline; prints nothing.
 * @returns {Promise<{ config: Record<string, any>, schemaError?: string }>}
 */
export async function loadConfiguration(projectDir = ROOT, configFile = null) {
  const { getConfig, validateConfiguration } = builderRequire('./out/util/config/config.js');
  const { log } = builderRequire('builder-util/out/log');
  const stream = log.stream;
  log.stream = { write: () => true }; // its "loaded configuration" line
  let config;
  try {
    config = await getConfig(projectDir, configFile, null);
  } finally {
    log.stream = stream;
  }
  // validateConfiguration works on (and may normalise) the object it is given: keep ours as read.
  try {
    await validateConfiguration(JSON.parse(JSON.stringify(config)), { isEnabled: false, add() {} });
    return { config };
  } catch (error) {
    return { config, schemaError: error.message };
  }
}

const filterPatterns = (config) =>
  (config.files ?? []).flatMap((set) => (typeof set === 'string' ? [set] : set.from == null ? (set.filter ?? []) : []));

function matcher(projectDir, patterns) {
  const { FileMatcher } = builderRequire('./out/fileMatcher.js');
  const filter = new FileMatcher(projectDir, projectDir, (text) => text, patterns).createFilter();
  const stat = { isDirectory: () => false };
  return (path) => filter(join(projectDir, ...path.split('/')), stat);
}

/**
 * Whether electron-builder would pack this project path (electron-builder's FileMatcher on the
 * `files` patterns: app files as the main matcher sees them, node_modules as the module copier
 * does, which starts from everything and applies the patterns in order).
 */
export function isPacked(config, path, projectDir = ROOT) {
  const patterns = filterPatterns(config);
  if (path.startsWith('node_modules/')) return matcher(projectDir, ['**/*', ...patterns])(path);
  return matcher(projectDir, patterns)(path);
}

/** Whether the path would land in app.asar.unpacked (the asarUnpack patterns). */
export function isUnpacked(config, path, projectDir = ROOT) {
  const patterns = [config.asarUnpack ?? []].flat();
  return patterns.length > 0 && matcher(projectDir, patterns)(path);
}

/** sha256, size and mtime of node_modules' better-sqlite3 build, or undefined without one. */
export function sqliteBuildFingerprint(projectDir = ROOT) {
  const path = join(projectDir, SQLITE_MODULE);
  if (!existsSync(path)) return undefined;
  const stat = statSync(path);
  return {
    sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
    size: stat.size,
    mtimeMs: stat.mtimeMs,
  };
}

const targetNames = (platform) =>
  [platform?.target ?? []].flat().map((target) => (typeof target === 'string' ? target : target.target));

function pngSize(buffer) {
  const signature = '89504e470d0a1a0a';
  if (
    buffer.length < 24 ||
    buffer.subarray(0, 8).toString('hex') !== signature ||
    buffer.subarray(12, 16).toString('ascii') !== 'IHDR'
  )
    return undefined;
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

/** Problems of a Windows .ico (electron-builder uses it as is when it has a 256px image). */
export function icoProblems(buffer) {
  if (buffer.length < 6 || buffer.readUInt16LE(0) !== 0 || buffer.readUInt16LE(2) !== 1) return ['not an ICO file'];
  const count = buffer.readUInt16LE(4);
  const problems = [];
  let largest = 0;
  for (let index = 0; index < count; index++) {
    const at = 6 + 16 * index;
    if (at + 16 > buffer.length) return [`the directory lists ${count} images but the file ends at entry ${index}`];
    const size = buffer[at] || 256;
    const length = buffer.readUInt32LE(at + 8);
    const offset = buffer.readUInt32LE(at + 12);
    if (offset + length > buffer.length) problems.push(`image ${index + 1} lies outside the file`);
    else {
      const png = pngSize(buffer.subarray(offset, offset + length));
      if (png && png.width !== size) problems.push(`image ${index + 1} says ${size}px but holds a ${png.width}px PNG`);
    }
    largest = Math.max(largest, size);
  }
  if (largest < 256) problems.push(`its largest image is ${largest}px; Windows installers need 256px`);
  return problems;
}

/** Problems of a macOS .icns (electron-builder uses it as is). */
export function icnsProblems(buffer) {
  if (buffer.length < 8 || buffer.subarray(0, 4).toString('ascii') !== 'icns') return ['not an ICNS file'];
  if (buffer.readUInt32BE(4) !== buffer.length)
    return [`its header says ${buffer.readUInt32BE(4)} bytes, the file has ${buffer.length}`];
  const types = new Set();
  for (let at = 8; at < buffer.length;) {
    const length = at + 8 <= buffer.length ? buffer.readUInt32BE(at + 4) : 0;
    if (length < 8 || at + length > buffer.length) return [`a broken element at byte ${at}`];
    types.add(buffer.subarray(at, at + 4).toString('ascii'));
    at += length;
  }
  return types.has('ic09') || types.has('ic10') ? [] : ['no 512px image (ic09 or ic10); macOS wants 512 and 1024'];
}

/** Problems of a Linux icon set folder (NxN.png files, used as they are). */
export function iconSetProblems(dir) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [`${dir} is not a folder`];
  const problems = [];
  const sizes = [];
  for (const name of readdirSync(dir)) {
    const match = /^(\d+)x(\d+)\.png$/.exec(name);
    if (!match) continue;
    const png = pngSize(readFileSync(join(dir, name)));
    if (!png || png.width !== Number(match[1]) || png.height !== Number(match[2]))
      problems.push(`${name} is not a ${match[1]}x${match[2]} PNG`);
    else sizes.push(png.width);
  }
  for (const needed of [16, 32, 48, 128, 256, 512])
    if (!sizes.includes(needed)) problems.push(`no ${needed}x${needed}.png`);
  return problems;
}

/**
 * Varsync's requirements of the configuration.
 * @returns {Promise<Array<{ ok: boolean, text: string }>>}
 */
export async function checkConfiguration(config, projectDir = ROOT) {
  const results = [];
  const check = (ok, text, problem) => results.push({ ok: Boolean(ok), text: ok ? text : `${text}: ${problem}` });
  const resource = (path) => resolve(projectDir, path);

  // Identity: the app sets the same name and AppUserModelID itself (main/app/paths.ts).
  const paths = existsSync(join(projectDir, 'main/app/paths.ts'))
    ? readFileSync(join(projectDir, 'main/app/paths.ts'), 'utf8')
    : '';
  const appModelId = /APP_USER_MODEL_ID = '([^']+)'/.exec(paths)?.[1];
  const productName = /PRODUCT_NAME = '([^']+)'/.exec(paths)?.[1];
  check(
    config.appId === 'com.varsync.agent' &&
      config.productName === 'Varsync' &&
      (!paths || (appModelId === config.appId && productName === config.productName)),
    `appId ${config.appId} and productName ${config.productName}, the same as main/app/paths.ts`,
    `main/app/paths.ts has ${appModelId} and ${productName}`,
  );

  for (const [platform, wanted] of Object.entries(REQUIRED_TARGETS)) {
    const have = targetNames(config[platform]);
    const missing = wanted.filter((target) => !have.includes(target));
    check(
      missing.length === 0,
      `${platform} targets: ${wanted.join(', ')}`,
      `missing ${missing.join(', ')} (has ${have.join(', ') || 'none'})`,
    );
  }
  const macArchs = [config.mac?.target ?? []]
    .flat()
    .flatMap((target) => (typeof target === 'string' ? [] : [target.arch ?? []].flat()));
  check(
    macArchs.includes('x64') && macArchs.includes('arm64'),
    'mac: x64 and arm64 builds',
    `archs ${macArchs.join(', ') || 'unset'}`,
  );

  const nsis = config.nsis ?? {};
  check(
    nsis.oneClick === false && nsis.perMachine !== true && nsis.allowElevation !== false,
    'NSIS: assisted installer, per-user or per-machine (oneClick false, perMachine false, allowElevation), silent with /S',
    `oneClick ${nsis.oneClick}, perMachine ${nsis.perMachine}, allowElevation ${nsis.allowElevation}`,
  );
  check(
    nsis.deleteAppDataOnUninstall !== true,
    'NSIS: uninstalling keeps user data unless --delete-app-data is given',
    'deleteAppDataOnUninstall is true',
  );
  const include = nsis.include ? resource(nsis.include) : undefined;
  check(
    include && existsSync(include) && readFileSync(include, 'utf8').includes('!macro customUnInstall'),
    `NSIS include ${nsis.include} (removes the agent's data folder on --delete-app-data)`,
    'missing, or without its customUnInstall macro',
  );
  const msi = config.msi ?? {};
  const guid = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;
  check(
    msi.perMachine !== true && msi.oneClick === false,
    'MSI: per-user by default, per-machine with ALLUSERS=1',
    `oneClick ${msi.oneClick}, perMachine ${msi.perMachine}`,
  );
  check(
    guid.test(msi.upgradeCode ?? '') && guid.test(nsis.guid ?? ''),
    'upgrade identities pinned (msi.upgradeCode, nsis.guid)',
    `upgradeCode ${msi.upgradeCode}, guid ${nsis.guid}`,
  );

  const fuses = config.electronFuses ?? {};
  const wrongFuses = Object.entries(REQUIRED_FUSES).filter(([name, value]) => fuses[name] !== value);
  check(
    wrongFuses.length === 0,
    `fuses: ${Object.entries(REQUIRED_FUSES)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')}`,
    `wrong: ${wrongFuses.map(([name]) => `${name} is ${fuses[name]}`).join(', ')}`,
  );

  check(
    fuses.resetAdHocDarwinSignature === true,
    'electronFuses.resetAdHocDarwinSignature true: an unsigned macOS arm64 build is re-signed ad hoc after the fuses flip (else it is killed at launch)',
    `it is ${fuses.resetAdHocDarwinSignature}`,
  );

  check(config.asar !== false, 'the app is packed into an ASAR archive', 'asar is false');
  const unpacked =
    isUnpacked(config, SQLITE_MODULE, projectDir) &&
    isUnpacked(config, 'node_modules/better-sqlite3/lib/index.js', projectDir);
  check(
    unpacked,
    'asarUnpack: better-sqlite3 (its native module cannot load from inside the ASAR)',
    `${SQLITE_MODULE} would stay inside app.asar`,
  );

  check(
    config.npmRebuild !== false,
    "npmRebuild true: installers get better-sqlite3 rebuilt for Electron's ABI",
    "npmRebuild is false, installers would carry Node's build",
  );
  const hook = typeof config.beforeBuild === 'string' ? resource(config.beforeBuild) : undefined;
  let hookOk = false;
  if (hook && existsSync(hook)) hookOk = typeof (await import(pathToFileURL(hook).href)).default === 'function';
  check(
    hookOk,
    `beforeBuild ${config.beforeBuild}: puts node_modules' own better-sqlite3 build back after a rebuild`,
    'missing or not a function',
  );

  const scripts = existsSync(join(projectDir, 'package.json'))
    ? (JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')).scripts ?? {})
    : {};
  check(
    /\belectron-builder\b/.test(scripts.dist ?? '') &&
      !/npmRebuild=false/.test(scripts.dist ?? '') &&
      /dist-check\.mjs/.test(scripts['dist:check'] ?? ''),
    'package.json: `npm run dist` builds and runs electron-builder (rebuilding), `npm run dist:check` runs this check',
    `dist is "${scripts.dist}", dist:check is "${scripts['dist:check']}"`,
  );

  const associations = ['fileAssociations', 'protocols'].flatMap((key) =>
    [config, config.win, config.mac, config.linux]
      .filter((level) => level?.[key] != null && [level[key]].flat().length > 0)
      .map(() => key),
  );
  check(associations.length === 0, 'no file associations or URL schemes', `${associations.join(', ')} set`);

  const wrongApp = [
    ...MUST_PACK.filter((path) => !isPacked(config, path, projectDir)).map((path) => `${path} left out`),
    ...MUST_NOT_PACK.filter((path) => isPacked(config, path, projectDir)).map((path) => `${path} packed`),
  ];
  check(
    wrongApp.length === 0,
    'files: out/main, out/renderer and package.json; no sources, tests, docs, bench, scripts, maps or test builds',
    wrongApp.join('; '),
  );
  const wrongModules = [
    ...MUST_PACK_MODULES.filter((path) => !isPacked(config, path, projectDir)).map((path) => `${path} left out`),
    ...MUST_NOT_PACK_MODULES.filter((path) => isPacked(config, path, projectDir)).map((path) => `${path} packed`),
  ];
  check(
    wrongModules.length === 0,
    'node_modules: better-sqlite3 (its module, lib, bindings), not what the bundle already holds',
    wrongModules.join('; '),
  );

  // The `varsync` command on an installed machine: each target's launcher runs the app binary,
  // which answers varsync commands in CLI mode (main/app-cli/entry.ts).
  const launcherProblems = [];
  const shipped = (list, from, to) => [list ?? []].flat().some((entry) => entry?.from === from && entry?.to === to);
  if (!shipped(config.win?.extraFiles, LAUNCHERS.win.from, LAUNCHERS.win.to))
    launcherProblems.push(`win.extraFiles lacks ${LAUNCHERS.win.from} -> ${LAUNCHERS.win.to}`);
  if (!shipped(config.mac?.extraResources, LAUNCHERS.mac.from, LAUNCHERS.mac.to))
    launcherProblems.push(`mac.extraResources lacks ${LAUNCHERS.mac.from} -> ${LAUNCHERS.mac.to}`);
  if (config.linux?.executableName !== 'varsync') launcherProblems.push('linux.executableName is not varsync');
  const launcherText = (path) => (existsSync(resource(path)) ? readFileSync(resource(path), 'utf8') : '');
  if (!launcherText(LAUNCHERS.win.from).includes(`"%~dp0${config.productName}.exe" %*`))
    launcherProblems.push(`${LAUNCHERS.win.from} does not run ${config.productName}.exe with the arguments`);
  if (!launcherText(LAUNCHERS.mac.from).includes(`/../../MacOS/${config.productName}" "$@"`))
    launcherProblems.push(`${LAUNCHERS.mac.from} does not run Contents/MacOS/${config.productName} with the arguments`);
  check(
    launcherProblems.length === 0,
    'the varsync command ships with every target: varsync.cmd (Windows), Resources/bin/varsync (macOS), the varsync executable (Linux)',
    launcherProblems.join('; '),
  );

  const icons = [
    ['win.icon', config.win?.icon, (path) => icoProblems(readFileSync(path))],
    ['mac.icon', config.mac?.icon, (path) => icnsProblems(readFileSync(path))],
    ['linux.icon', config.linux?.icon, (path) => iconSetProblems(path)],
  ];
  for (const [key, path, problemsOf] of icons) {
    const problems = !path
      ? ['not set']
      : !existsSync(resource(path))
        ? [`${path} does not exist`]
        : problemsOf(resource(path));
    check(problems.length === 0, `${key} ${path}: used as is, no conversion tool to download`, problems.join('; '));
  }
  return results;
}

function placeholderNotes(config) {
  const author = config.extraMetadata?.author;
  const values = [author?.email, config.extraMetadata?.homepage].filter(
    (value) => typeof value === 'string' && /\.example\b/.test(value),
  );
  return values.length
    ? [`extraMetadata has placeholder values (${values.join(', ')}): set your own before publishing installers`]
    : [];
}

/** The unpacked Electron to pack with, from the environment, or the reason there is none. */
export function electronDistribution(env = process.env, platform = process.platform) {
  const variable = env.VARSYNC_ELECTRON_DIST
    ? 'VARSYNC_ELECTRON_DIST'
    : env.ELECTRON_OVERRIDE_DIST_PATH
      ? 'ELECTRON_OVERRIDE_DIST_PATH'
      : undefined;
  if (!variable)
    return {
      reason:
        'no Electron distribution given: neither VARSYNC_ELECTRON_DIST nor ELECTRON_OVERRIDE_DIST_PATH is set (a machine without internet access cannot download Electron)',
    };
  const dir = resolve(env[variable]);
  const binary = platform === 'win32' ? 'electron.exe' : platform === 'darwin' ? 'Electron.app' : 'electron';
  if (!existsSync(join(dir, binary))) return { reason: `${variable} (${dir}) has no ${binary}` };
  const versionFile = join(dir, 'version');
  return {
    dir,
    variable,
    version: existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim().replace(/^v/, '') : undefined,
  };
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout: 300_000, ...options });
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`,
  };
}

/**
 * Copies the production dependencies (the closure `npm ls --omit=dev` names) into the staging folder.
 * Not a symlink to node_modules: npm resolves a symlinked folder to its real path, then sees every
 * package as extraneous and better-sqlite3's `bindings` as missing, and electron-builder's collector
 * (which reads `npm list`) leaves it out of the app.
 */
function copyProductionModules(stage) {
  const listing = run(npmCommand(), ['ls', '--omit=dev', '--all', '--parseable', '--silent'], {
    shell: process.platform === 'win32',
  });
  const paths = listing.output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith(join(ROOT, 'node_modules')));
  // Top-level packages carry their own nested node_modules with them.
  const topLevel = paths
    .map((path) => relative(join(ROOT, 'node_modules'), path))
    .filter((path) => /^(@[^/\\]+[/\\])?[^/\\]+$/.test(path));
  if (!topLevel.includes('better-sqlite3'))
    return {
      error: `npm ls --omit=dev did not list better-sqlite3 (is node_modules installed?):\n${listing.output.slice(0, 2000)}`,
    };
  for (const name of topLevel)
    cpSync(join(ROOT, 'node_modules', name), join(stage, 'node_modules', name), {
      recursive: true,
      verbatimSymlinks: true,
    });
  return {};
}

function npmCommand() {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/** A project folder for electron-builder outside the checkout: config, resources, node_modules, a fresh build. */
function stageProject(configFile, build) {
  const stage = mkdtempSync(join(tmpdir(), 'varsync-dist-check-'));
  cpSync(join(ROOT, 'package.json'), join(stage, 'package.json'));
  cpSync(configFile, join(stage, 'electron-builder.yml'));
  if (existsSync(join(ROOT, 'build'))) cpSync(join(ROOT, 'build'), join(stage, 'build'), { recursive: true });
  const copied = copyProductionModules(stage);
  if (copied.error) return { stage, error: copied.error };
  const out = join(stage, 'out');
  if (build) {
    const vite = run(process.execPath, [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--outDir',
      join(out, 'renderer'),
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ]);
    if (!vite.ok) return { stage, error: `building the window's UI failed:\n${vite.output}` };
    const shell = run(process.execPath, [join(ROOT, 'scripts/build-electron.mjs'), join(out, 'main')]);
    if (!shell.ok) return { stage, error: `building the shell failed:\n${shell.output}` };
  } else {
    for (const part of ['main', 'renderer']) {
      if (!existsSync(join(ROOT, 'out', part)))
        return {
          stage,
          error: `--no-build, but out/${part} does not exist (npm run build:renderer, npm run build:electron)`,
        };
      cpSync(join(ROOT, 'out', part), join(out, part), { recursive: true });
    }
  }
  return { stage };
}

/** The bare package names a JavaScript file loads or locates (import, require, require.resolve, import(); not text in strings). */
export function loadedPackages(source) {
  const names = new Set();
  const patterns = [
    /^\s*(?:import|export)\s[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /(?<![\w$.'"`])(?:require(?:\.resolve)?|import)\(\s*['"]([^'"]+)['"]\s*[,)]/g,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) names.add(match[1]);
  const builtins = new Set([...builtinModules, 'electron', 'original-fs']);
  return [...names]
    .filter((name) => !name.startsWith('.') && !name.startsWith('/') && !name.startsWith('node:'))
    .map((name) =>
      name
        .split('/')
        .slice(0, name.startsWith('@') ? 2 : 1)
        .join('/'),
    )
    .filter((name) => !builtins.has(name));
}

/** Where electron-builder put the unpacked app, its resources folder and the binary with the fuses. */
function findUnpackedApp(outDir, config) {
  const { productName } = config;
  // Windows: "Varsync.exe"; Linux: the package name ("varsync") unless executableName says otherwise.
  const names = [
    config.win?.executableName,
    config.linux?.executableName,
    config.executableName,
    productName,
    productName.toLowerCase(),
    'varsync',
  ].filter(Boolean);
  for (const name of existsSync(outDir) ? readdirSync(outDir) : []) {
    const dir = join(outDir, name);
    if (!statSync(dir).isDirectory()) continue;
    const app = join(dir, `${productName}.app`);
    if (existsSync(app)) return { dir, resources: join(app, 'Contents', 'Resources'), binary: app };
    if (name.endsWith('-unpacked') && existsSync(join(dir, 'resources'))) {
      const binary = names
        .map((file) => join(dir, process.platform === 'win32' ? `${file}.exe` : file))
        .find((file) => existsSync(file) && statSync(file).isFile());
      return { dir, resources: join(dir, 'resources'), binary };
    }
  }
  return undefined;
}

/** Checks of an unpacked app made by electron-builder --dir. */
export async function checkUnpackedApp(outDir, config) {
  const results = [];
  const check = (ok, text, problem) => results.push({ ok: Boolean(ok), text: ok ? text : `${text}: ${problem}` });
  const found = findUnpackedApp(outDir, config);
  if (!found) return [{ ok: false, text: `the unpacked app: nothing in ${outDir}` }];
  const asarFile = join(found.resources, 'app.asar');
  if (!existsSync(asarFile)) return [{ ok: false, text: `the unpacked app: no ${asarFile}` }];
  const asar = builderRequire('@electron/asar');
  const entries = asar
    .listPackage(asarFile, { isPack: false })
    .map((entry) => entry.replaceAll('\\', '/').replace(/^\//, ''));
  const has = new Set(entries);
  const packageJson = JSON.parse(asar.extractFile(asarFile, 'package.json').toString('utf8'));
  const entry = ['out/main/main.mjs', 'out/main/preload.cjs', 'out/renderer/index.html'];
  check(
    packageJson.main === 'out/main/main.mjs' && entry.every((path) => has.has(path)),
    `app.asar starts out/main/main.mjs and holds ${entry.slice(1).join(', ')}`,
    `main is ${packageJson.main}; missing ${entry.filter((path) => !has.has(path)).join(', ')}`,
  );
  const foreign = entries.filter(
    (path) =>
      /^(main|shared|renderer|emulator|test|e2e|bench|docs|scripts|bin|assets|build|out\/test|out\/native)(\/|$)/.test(
        path,
      ) || /\.(ts|tsx|map)$/.test(path),
  );
  check(
    foreign.length === 0,
    'app.asar holds no sources, tests, docs, maps or test builds',
    foreign.slice(0, 5).join(', '),
  );

  const unpackedModule = join(found.resources, 'app.asar.unpacked', ...SQLITE_MODULE.split('/'));
  check(
    existsSync(unpackedModule),
    `better_sqlite3.node is unpacked (app.asar.unpacked/${SQLITE_MODULE})`,
    'it is not',
  );

  // The window's UI (out/renderer) runs in the sandboxed renderer and loads no packages.
  const sources = entries.filter((path) => /\.(c|m)?js$/.test(path) && !path.startsWith('out/renderer/'));
  const missing = new Set();
  for (const path of sources) {
    const inside = path.startsWith('node_modules/') ? path : undefined;
    let text;
    try {
      text = asar.extractFile(asarFile, path).toString('utf8');
    } catch {
      try {
        text = readFileSync(join(found.resources, 'app.asar.unpacked', ...path.split('/')), 'utf8');
      } catch {
        continue; // a folder named like a script
      }
    }
    for (const name of loadedPackages(text)) {
      const owner = inside
        ?.split('/')
        .slice(0, inside.split('/')[1].startsWith('@') ? 3 : 2)
        .join('/');
      const nested = owner ? `${owner}/node_modules/${name}/package.json` : undefined;
      if (!has.has(`node_modules/${name}/package.json`) && !(nested && has.has(nested)))
        missing.add(`${name} (loaded by ${path})`);
    }
  }
  check(
    missing.size === 0,
    `every package the app loads is packed (${sources.length} scripts read)`,
    `missing ${[...missing].join(', ')}`,
  );

  const notices = join(found.resources, 'THIRD-PARTY-NOTICES.txt');
  check(
    existsSync(notices) && readFileSync(notices, 'utf8').includes('\nbetter-sqlite3 '),
    'the third-party notices are beside the app (resources/THIRD-PARTY-NOTICES.txt)',
    existsSync(notices) ? 'better-sqlite3 is not in them' : 'missing',
  );
  const launcher =
    process.platform === 'win32'
      ? join(found.dir, LAUNCHERS.win.to)
      : process.platform === 'darwin'
        ? join(found.resources, ...LAUNCHERS.mac.to.split('/'))
        : found.binary;
  check(
    launcher !== undefined &&
      existsSync(launcher) &&
      (process.platform === 'win32' || (statSync(launcher).mode & 0o111) !== 0) &&
      (process.platform !== 'linux' || basename(launcher) === 'varsync'),
    `the varsync command is in the app: ${launcher ? relative(outDir, launcher) : 'no executable'}`,
    'missing, or not executable',
  );

  if (found.binary) {
    const { getCurrentFuseWire, FuseV1Options } = builderRequire('@electron/fuses');
    try {
      const wire = await getCurrentFuseWire(found.binary);
      const wrong = Object.entries(config.electronFuses ?? {}).filter(([name, value]) => {
        const index = FuseV1Options[name[0].toUpperCase() + name.slice(1)];
        return index !== undefined && wire[index] !== (value ? 49 : 48);
      });
      check(
        wrong.length === 0,
        `the fuses are flipped in ${relative(outDir, found.binary)}`,
        `not as configured: ${wrong.map(([name]) => name).join(', ')}`,
      );
    } catch (error) {
      check(false, `the fuses in ${relative(outDir, found.binary)}`, error.message);
    }
  } else check(false, 'the fuses', 'no executable found in the unpacked app');
  return results;
}

function usage() {
  return [
    'npm run dist:check [-- --config FILE] [--out DIR] [--no-build]',
    "  Validates electron-builder.yml (electron-builder's own schema and Varsync's requirements) and,",
    '  where VARSYNC_ELECTRON_DIST (or ELECTRON_OVERRIDE_DIST_PATH) points at an unpacked Electron,',
    '  packs the app with `electron-builder --dir` (npmRebuild false) into DIR (default dist/dir-check)',
    '  and checks it. --no-build packs the existing out/main and out/renderer instead of building them.',
  ].join('\n');
}

export async function main(argv = process.argv.slice(2), env = process.env, print = (line) => console.log(line)) {
  const options = { config: join(ROOT, 'electron-builder.yml'), out: join(ROOT, 'dist', 'dir-check'), build: true };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--help' || argument === '-h') {
      print(usage());
      return 0;
    } else if (argument === '--config' && argv[index + 1]) options.config = resolve(argv[++index]);
    else if (argument === '--out' && argv[index + 1]) options.out = resolve(argv[++index]);
    else if (argument === '--no-build') options.build = false;
    else {
      print(`dist:check: unknown argument ${argument}\n${usage()}`);
      return 2;
    }
  }
  const started = Date.now();
  const counts = { checked: 0, skipped: 0, failed: 0 };
  const report = (kind, text) => {
    if (kind !== 'note') counts[{ ok: 'checked', skip: 'skipped', fail: 'failed' }[kind]]++;
    print(`${{ ok: 'checked', skip: 'skipped', fail: 'FAILED ', note: 'note   ' }[kind]}  ${text}`);
  };
  const before = sqliteBuildFingerprint();
  print(
    `Varsync dist:check (electron-builder ${builderVersion()}, ${relative(ROOT, options.config) || options.config})`,
  );

  let loaded;
  try {
    loaded = await loadConfiguration(ROOT, options.config);
  } catch (error) {
    report('fail', `electron-builder could not load ${options.config}: ${error.message}`);
    print(`dist:check FAILED: ${counts.checked} checked, ${counts.skipped} skipped, ${counts.failed} failed`);
    return 1;
  }
  const { config, schemaError } = loaded;
  if (schemaError) {
    const reasons = schemaError
      .split('\n')
      .filter((line) => /^\s*- /.test(line))
      .map((line) => line.replace(/^\s*- /, '').trim());
    report(
      'fail',
      `electron-builder's schema: ${reasons.join('; ') || schemaError.trim()} (options: https://www.electron.build/configuration)`,
    );
  } else
    report(
      'ok',
      `${basename(options.config)} passes electron-builder ${builderVersion()}'s own schema (validateConfiguration)`,
    );
  for (const result of await checkConfiguration(config)) report(result.ok ? 'ok' : 'fail', result.text);
  for (const note of placeholderNotes(config)) report('note', note);

  const electronVersion = createRequire(import.meta.url)('electron/package.json').version;
  const dist = electronDistribution(env);
  const here = `${process.platform}-${process.arch}`;
  if (!dist.dir) {
    const downloaded = join(ROOT, 'node_modules', 'electron', 'dist');
    const hint =
      existsSync(downloaded) && electronDistribution({ VARSYNC_ELECTRON_DIST: downloaded }).dir
        ? ` (npm install downloaded one: VARSYNC_ELECTRON_DIST=${relative(ROOT, downloaded)} npm run dist:check)`
        : '';
    report(
      'skip',
      `electron-builder --dir (an unpacked app to inspect): ${dist.reason}. To run it, point VARSYNC_ELECTRON_DIST at an unpacked Electron ${electronVersion} for ${here}${hint}.`,
    );
  } else if (counts.failed > 0) {
    report('skip', 'electron-builder --dir: the configuration has failures; fix them first');
  } else {
    if (dist.version && dist.version !== electronVersion)
      report('note', `${dist.variable} holds Electron ${dist.version}; the project uses ${electronVersion}`);
    const { stage, error } = stageProject(options.config, options.build);
    try {
      if (error) report('fail', error);
      else {
        rmSync(options.out, { recursive: true, force: true });
        mkdirSync(options.out, { recursive: true });
        const platformFlag = { win32: '--win', darwin: '--mac', linux: '--linux' }[process.platform];
        const args = [
          createRequire(import.meta.url).resolve('electron-builder/cli.js'),
          platformFlag,
          '--dir',
          '--projectDir',
          stage,
          '--publish',
          'never',
          '-c.npmRebuild=false',
          `-c.electronDist=${dist.dir}`,
          // The staging folder holds only production packages, so electron-builder cannot read the version from node_modules/electron.
          `-c.electronVersion=${electronVersion}`,
          `-c.directories.output=${options.out}`,
        ];
        if (process.platform === 'darwin') args.push('-c.mac.identity=null'); // no signing for a check
        // electron-builder goes silent when it sees VITEST (set when the tests run this script).
        const builderEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('VITEST')));
        const builder = run(process.execPath, args, {
          cwd: stage,
          env: { ...builderEnv, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
        });
        writeFileSync(join(options.out, 'electron-builder.log'), builder.output);
        if (!builder.ok)
          report(
            'fail',
            `electron-builder --dir with ${dist.variable}=${dist.dir} failed (its output: ${join(options.out, 'electron-builder.log')}):\n${builder.output.trim().split('\n').slice(-15).join('\n')}`,
          );
        else {
          report(
            'ok',
            `electron-builder --dir packed the app with ${dist.variable}=${dist.dir}, npmRebuild false, into ${options.out}`,
          );
          for (const result of await checkUnpackedApp(options.out, config))
            report(result.ok ? 'ok' : 'fail', result.text);
          report(
            'note',
            `the unpacked app carries node_modules' own better-sqlite3 build (Node's ABI, npmRebuild false): it is for inspecting what the installers pack; the installers rebuild it for Electron`,
          );
        }
      }
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }
  report(
    'skip',
    `the installers (NSIS, MSI, dmg, zip, AppImage, deb, tar.gz): they are built on a build machine with internet access by \`npm run dist -- --win|--mac|--linux\`, which downloads Electron ${electronVersion} and the NSIS, WiX, dmg and AppImage tools`,
  );
  report(
    'skip',
    "rebuilding better-sqlite3 for Electron's ABI: never done by dist:check (npmRebuild false); `npm run dist` does it on the build machine and puts node_modules' own build back afterwards",
  );

  const after = sqliteBuildFingerprint();
  const same = JSON.stringify(before) === JSON.stringify(after);
  if (!before) report('note', `${SQLITE_MODULE} does not exist (npm install builds it); nothing to guard`);
  else
    report(
      same ? 'ok' : 'fail',
      same
        ? `node_modules/better-sqlite3's build is untouched (sha256 ${before.sha256.slice(0, 16)}..., ${before.size} bytes, same modification time)`
        : `node_modules/better-sqlite3's build changed during dist:check (run: npm rebuild better-sqlite3)`,
    );

  print(
    `dist:check ${counts.failed ? 'FAILED' : 'passed'}: ${counts.checked} checked, ${counts.skipped} skipped, ${counts.failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return counts.failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
