// Packaging: electron-builder.yml as electron-builder itself loads it (its own loader and schema,
// offline), the installers issue 5 asks for, the fuses that harden the shipped binary, what the
// app packs, the icons, and the installer resources in build/. `npm run dist:check` runs the same
// checks (test/app/dist-check.test.ts runs it).
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, win32 } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import beforeBuild, { keepNodeBuild, restoreNodeBuild } from '../../build/keep-node-build.mjs';
import { defaultDataDir } from '../../main/core/config/keys.js';
import {
  checkConfiguration,
  icnsProblems,
  iconSetProblems,
  icoProblems,
  isPacked,
  isUnpacked,
  loadConfiguration,
  MUST_NOT_PACK,
  MUST_NOT_PACK_MODULES,
  MUST_PACK,
  MUST_PACK_MODULES,
  REQUIRED_FUSES,
  REQUIRED_TARGETS,
  SQLITE_MODULE,
  type BuilderConfig,
} from '../../scripts/dist-check.mjs';
import { tempDir } from '../helpers/agent.js';

const ROOT = join(import.meta.dirname, '..', '..');
const builderText = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));

let config: BuilderConfig;
let schemaError: string | undefined;
beforeAll(async () => {
  ({ config, schemaError } = await loadConfiguration(ROOT));
});

/** The `key: value` lines of a top-level block of the YAML text (enough for a flat block). */
function block(name: string): Record<string, string> {
  const lines = builderText.split('\n');
  const start = lines.indexOf(`${name}:`);
  expect(start, `${name} block`).toBeGreaterThanOrEqual(0);
  const entries: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const match = /^\s+([\w-]+):\s*(.+?)\s*$/.exec(line);
    if (match) entries[match[1]!] = match[2]!;
  }
  return entries;
}

const targets = (platform: BuilderConfig | undefined): Array<{ target: string; arch?: string[] }> =>
  [platform?.target ?? []]
    .flat()
    .map((target: string | { target: string; arch?: string | string[] }) =>
      typeof target === 'string' ? { target } : { target: target.target, arch: [target.arch ?? []].flat() },
    );

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema, which does reject what it does not know", async () => {
    expect(schemaError).toBeUndefined();
    const dir = tempDir('varsync-builder-config-');
    writeFileSync(join(dir, 'bad.yml'), `${builderText}\nfileAssociation: []\n`);
    const bad = await loadConfiguration(ROOT, join(dir, 'bad.yml'));
    expect(bad.schemaError).toMatch(/unknown property 'fileAssociation'/);
  });

  it('flips the fuses: no Node mode, no NODE_OPTIONS or --inspect, encrypted cookies, the app only from a checked ASAR', () => {
    const expected = {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    };
    // resetAdHocDarwinSignature sits among the fuses in electron-builder's schema but is no fuse: it
    // re-signs ad hoc after flipping them (which breaks Electron Framework's signature), since
    // electron-builder 26 signs only with an identity and arm64 macOS kills a badly signed app.
    expect(config.electronFuses).toEqual({ ...expected, resetAdHocDarwinSignature: true });
    expect(REQUIRED_FUSES).toEqual(expected);
    expect(block('electronFuses')).toEqual(
      Object.fromEntries(
        Object.entries({ ...expected, resetAdHocDarwinSignature: true }).map(([name, value]) => [name, String(value)]),
      ),
    );
  });

  it('builds every installer of the issue: NSIS and MSI, dmg and zip for both Mac architectures, AppImage, deb and tar.gz', () => {
    expect(REQUIRED_TARGETS).toEqual({
      win: ['nsis', 'msi'],
      mac: ['dmg', 'zip'],
      linux: ['AppImage', 'deb', 'tar.gz'],
    });
    expect(targets(config.win).map((target) => target.target)).toEqual(['nsis', 'msi']);
    expect(targets(config.mac)).toEqual([
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ]);
    expect(targets(config.linux).map((target) => target.target)).toEqual(['AppImage', 'deb', 'tar.gz']);
    expect(config.appId).toBe('com.varsync.agent');
    expect(config.productName).toBe('Varsync');
    expect(config.publish).toBeNull();
  });

  it('NSIS lets the user install for themselves or for everyone, and keeps data on uninstall unless asked', () => {
    // oneClick false: the assisted installer with the "only for me / anyone" page; perMachine false
    // and allowElevation: per-user by default (/S), per-machine on request (/allusers) with UAC.
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      allowElevation: true,
      allowToChangeInstallationDirectory: true,
      deleteAppDataOnUninstall: false,
      include: 'build/installer.nsh',
    });
    const include = readFileSync(join(ROOT, 'build', 'installer.nsh'), 'utf8');
    const macro = /!macro customUnInstall\n([\s\S]*?)!macroend/.exec(include)?.[1] ?? '';
    expect(macro).toContain('${ifNot} ${isUpdated}'); // never on an upgrade
    expect(macro).toContain('${GetOptions} $R0 "--delete-app-data" $R1'); // only when asked
    expect(macro).toContain('SetShellVarContext current'); // the user's folder, also for per-machine installs
    // The folder it removes is the agent's default data folder on Windows.
    const localAppData = 'C:\\Users\\someone\\AppData\\Local';
    const removed = /RMDir \/r "\$LOCALAPPDATA\\([^"]+)"/.exec(macro)?.[1];
    expect(removed).toBeDefined();
    const slashes = (path: string) => path.replaceAll('\\', '/');
    expect(slashes(win32.join(localAppData, removed!))).toBe(
      slashes(defaultDataDir({ LOCALAPPDATA: localAppData }, 'win32')),
    );
  });

  it('MSI is per-user by default and per-machine on request, and both installers keep their upgrade identity', () => {
    expect(config.msi).toMatchObject({ oneClick: false, perMachine: false });
    const { UUID } = builderRequire('builder-util-runtime') as {
      UUID: { v5(name: string, namespace: Buffer): string; parse(text: string): Buffer };
    };
    // The values electron-builder derives from appId, pinned so that a later appId change cannot orphan installations.
    expect(config.msi.upgradeCode).toBe(
      UUID.v5(config.appId, UUID.parse('d752fe43-5d44-44d5-9fc9-6dd1bf19d5cc')).toUpperCase(),
    );
    expect(config.nsis.guid).toBe(UUID.v5(config.appId, UUID.parse('50e065bc-3134-11e6-9bab-38c9862bdaf3')));
  });

  it('registers no file associations and no URL schemes, on any platform', () => {
    for (const level of [config, config.win, config.mac, config.linux]) {
      for (const key of ['fileAssociations', 'protocols']) expect([level?.[key] ?? []].flat(), key).toEqual([]);
    }
  });

  it('packs the built shell into an ASAR, starts it, and unpacks better-sqlite3', () => {
    expect(config.asar).toBe(true);
    expect(config.extraMetadata.main).toBe('out/main/main.mjs');
    expect(isUnpacked(config, SQLITE_MODULE)).toBe(true);
    expect(isUnpacked(config, 'node_modules/better-sqlite3/lib/index.js')).toBe(true);
    expect(isUnpacked(config, 'out/main/main.mjs')).toBe(false);
  });

  it('packs what the app needs at run time and no sources, tests, docs, bench, scripts, maps or test builds', () => {
    for (const path of [...MUST_PACK, ...MUST_PACK_MODULES]) expect(isPacked(config, path), path).toBe(true);
    for (const path of [...MUST_NOT_PACK, ...MUST_NOT_PACK_MODULES]) expect(isPacked(config, path), path).toBe(false);
    expect(MUST_NOT_PACK).toEqual(
      expect.arrayContaining([
        'main/core/agent.ts',
        'test/app/packaging.test.ts',
        'bench/run.ts',
        'docs/VENDOR.md',
        'out/test/main/main.mjs',
      ]),
    );
  });

  it("rebuilds better-sqlite3 for Electron's ABI in the installers, and dist:check never does", () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.beforeBuild).toBe('./build/keep-node-build.mjs');
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.dist).toMatch(/electron-builder/);
    expect(scripts.dist).not.toMatch(/npmRebuild/);
    expect(scripts['dist:check']).toBe('node scripts/dist-check.mjs');
    expect(readFileSync(join(ROOT, 'scripts', 'dist-check.mjs'), 'utf8')).toContain("'-c.npmRebuild=false'");
  });

  it('sets the metadata the deb and MSI need (author with e-mail, homepage)', () => {
    expect(config.extraMetadata.author).toMatchObject({ name: 'Varsync', email: expect.stringContaining('@') });
    expect(config.extraMetadata.homepage).toMatch(/^https:\/\//);
  });

  it("meets every one of dist:check's requirements", async () => {
    const results = await checkConfiguration(config);
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(results.length).toBeGreaterThan(15);
  });
});

describe('icons (build/)', () => {
  it('has a valid ICO with a 256px image, an ICNS up to 1024px and a Linux set of PNGs', () => {
    expect(icoProblems(readFileSync(join(ROOT, config.win.icon)))).toEqual([]);
    expect(icnsProblems(readFileSync(join(ROOT, config.mac.icon)))).toEqual([]);
    expect(iconSetProblems(join(ROOT, config.linux.icon))).toEqual([]);
    const png = readFileSync(join(ROOT, 'build', 'icon.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
    for (const size of [256, 512]) {
      const file = readFileSync(join(ROOT, 'build', 'icons', `${size}x${size}.png`));
      expect([file.readUInt32BE(16), file.readUInt32BE(20)]).toEqual([size, size]);
    }
  });

  it('the checks find broken icons', () => {
    expect(icoProblems(Buffer.from('not an icon'))).toEqual(['not an ICO file']);
    const small = Buffer.alloc(22);
    small.writeUInt16LE(1, 2);
    small.writeUInt16LE(1, 4);
    small.writeUInt8(48, 6);
    small.writeUInt32LE(0, 14);
    small.writeUInt32LE(22, 18);
    expect(icoProblems(small)).toEqual(['its largest image is 48px; Windows installers need 256px']);
    expect(icnsProblems(Buffer.from('icns\0\0\0\x08'))).toEqual([
      'no 512px image (ic09 or ic10); macOS wants 512 and 1024',
    ]);
  });

  it('electron-builder uses them as they are, without downloading its icon conversion tool', async () => {
    const { convertIcon } = builderRequire('./out/util/iconConverter.js') as {
      convertIcon(options: {
        sources: string[];
        fallbackSources: string[];
        roots: string[];
        format: string;
        outDir: string;
      }): Promise<{ icons: Array<{ file: string; size: number }> }>;
    };
    const outDir = tempDir('varsync-icons-');
    const roots = [join(ROOT, 'build'), ROOT];
    const convert = (source: string, format: string) =>
      convertIcon({ sources: [source], fallbackSources: [], roots, format, outDir });
    expect((await convert(config.win.icon, 'ico')).icons).toEqual([
      { file: join(ROOT, 'build', 'icon.ico'), size: 256 },
    ]);
    expect((await convert(config.mac.icon, 'icns')).icons.map((icon) => icon.file)).toEqual([
      join(ROOT, 'build', 'icon.icns'),
    ]);
    const set = (await convert(config.linux.icon, 'set')).icons;
    expect(set.map((icon) => icon.size)).toEqual([16, 24, 32, 48, 64, 128, 256, 512, 1024]);
    expect(set.every((icon) => icon.file.startsWith(join(ROOT, 'build', 'icons')))).toBe(true);
  });
});

describe('the beforeBuild hook (build/keep-node-build.mjs)', () => {
  it("keeps node_modules' own better-sqlite3 build across electron-builder's in-place rebuild and puts it back", async () => {
    const project = tempDir('varsync-keep-build-');
    const release = join(project, 'node_modules', 'better-sqlite3', 'build', 'Release');
    mkdirSync(release, { recursive: true });
    const module = join(release, 'better_sqlite3.node');
    writeFileSync(module, 'the Node build');
    const past = new Date('2024-01-02T03:04:05Z');
    utimesSync(module, past, past);

    await expect(beforeBuild({ appDir: project, electronVersion: '45.5.0', arch: 'x64' })).resolves.toBe(true);
    // What @electron/rebuild does: the build folder is cleaned and rebuilt for Electron.
    rmSync(join(project, 'node_modules', 'better-sqlite3', 'build'), { recursive: true });
    mkdirSync(release, { recursive: true });
    writeFileSync(module, 'the Electron build');
    writeFileSync(join(release, 'extra.o'), 'object file');
    expect(keepNodeBuild(project)).toBe(true); // a second platform or arch keeps nothing new

    restoreNodeBuild(); // what the process's 'exit' event runs
    expect(readFileSync(module, 'utf8')).toBe('the Node build');
    expect(statSync(module).mtime.getTime()).toBe(past.getTime());
    expect(existsSync(join(release, 'extra.o'))).toBe(false);
    restoreNodeBuild(); // idempotent: nothing kept any more
    expect(readFileSync(module, 'utf8')).toBe('the Node build');
  });

  it('is what electron-builder loads for beforeBuild (from the project folder, as `npm run dist` runs it)', async () => {
    const { resolveFunction } = builderRequire('./out/util/resolve.js') as {
      resolveFunction(type: string, executor: string, name: string, root: string): Promise<unknown>;
    };
    expect(process.cwd()).toBe(ROOT);
    const loaded = await resolveFunction('module', config.beforeBuild, 'beforeBuild', ROOT);
    // Node's own loader, not vitest's: the same function, another instance.
    expect(typeof loaded).toBe('function');
    expect((loaded as () => unknown).name).toBe('beforeBuild');
    expect(String(loaded)).toContain('keepNodeBuild(context.appDir)');
  });

  it('keeps nothing where there is no build', () => {
    expect(keepNodeBuild(tempDir('varsync-no-build-'))).toBe(false);
  });
});
