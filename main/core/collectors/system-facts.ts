// The values the collectors report, from Node's os and fs modules only (never a subprocess). Every
// source is passed in, so tests decide what the "machine" says.
import { readFileSync, statfsSync } from 'node:fs';
import * as os from 'node:os';
import type { VariableValue } from '../../../shared/wire.js';
import { COLLECTORS, type CollectorName } from './catalog.js';
import packageJson from '../../../package.json' with { type: 'json' };

/** The Varsync version, from package.json (bundled into the Electron build). */
export const VARSYNC_VERSION: string = packageJson.version;

/** What the collectors read; `defaultSystemSources()` is the real machine. */
export interface SystemSources {
  platform(): NodeJS.Platform;
  release(): string;
  version(): string;
  arch(): string;
  cpus(): Array<{ model: string }>;
  totalmem(): number;
  hostname(): string;
  username(): string;
  /** Free bytes for this user on the volume holding `path`. */
  freeBytes(path: string): number;
  /** Small OS files (/etc/os-release, macOS's SystemVersion.plist). */
  readText(path: string): string;
}

export function defaultSystemSources(): SystemSources {
  return {
    platform: () => os.platform(),
    release: () => os.release(),
    version: () => os.version(),
    arch: () => os.arch(),
    cpus: () => os.cpus(),
    totalmem: () => os.totalmem(),
    hostname: () => os.hostname(),
    username: () => os.userInfo().username,
    freeBytes: (path) => {
      const stats = statfsSync(path);
      return stats.bavail * stats.bsize;
    },
    readText: (path) => readFileSync(path, 'utf8'),
  };
}

export interface FactsContext {
  sources: SystemSources;
  /** The data folder, whose volume's free space `disk` reports. */
  dataDir: string;
  varsyncVersion: string;
  appVersion: string | undefined;
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/**
 * The variables of the enabled collectors. A fact that cannot be read is left out (and named in
 * `problems`), the others still reported.
 */
export function collectFacts(
  enabled: CollectorName[],
  context: FactsContext,
): { values: Record<string, VariableValue>; problems: string[] } {
  const values: Record<string, VariableValue> = {};
  const problems: string[] = [];
  for (const name of enabled) {
    try {
      Object.assign(values, FACTS[name](context));
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
    }
  }
  return { values, problems };
}

type Fact = (
  context: FactsContext,
) => Partial<Record<(typeof COLLECTORS)[CollectorName]['variables'][number], VariableValue>>;

const FACTS: Record<CollectorName, Fact> = {
  os: ({ sources }) => operatingSystem(sources),
  arch: ({ sources }) => ({ 'varsync.arch': sources.arch() }),
  cpu: ({ sources }) => {
    const cpus = sources.cpus();
    const model = cpus[0]?.model.replace(/\s+/g, ' ').trim();
    return {
      ...(model ? { 'varsync.cpu_model': model } : {}),
      ...(cpus.length > 0 ? { 'varsync.cpu_cores': cpus.length } : {}),
    };
  },
  memory: ({ sources }) => ({ 'varsync.memory_total_mb': Math.round(sources.totalmem() / MIB) }),
  disk: ({ sources, dataDir }) => ({
    'varsync.disk_free_gb': Math.round((sources.freeBytes(dataDir) / GIB) * 10) / 10,
  }),
  version: ({ varsyncVersion }) => ({ 'varsync.version': varsyncVersion }),
  app_version: ({ appVersion }) => (appVersion ? { 'varsync.app_version': appVersion } : {}),
  hostname: ({ sources }) => ({ 'varsync.hostname': sources.hostname() }),
  username: ({ sources }) => ({ 'varsync.username': sources.username() }),
};

/**
 * Windows: os.version() ("Windows 11 Pro") and the build (os.release(), "10.0.22631").
 * macOS: "macOS" and the product version from SystemVersion.plist. Linux: the distribution's
 * NAME and VERSION_ID from /etc/os-release. Elsewhere, or when a file is missing: the kernel's.
 */
function operatingSystem(sources: SystemSources): { 'varsync.os': string; 'varsync.os_version': string } {
  const platform = sources.platform();
  if (platform === 'win32')
    return { 'varsync.os': sources.version() || 'Windows', 'varsync.os_version': sources.release() };
  if (platform === 'darwin') {
    const plist = readOptional(sources, '/System/Library/CoreServices/SystemVersion.plist');
    const version = plist && /<key>ProductVersion<\/key>\s*<string>([^<]+)<\/string>/.exec(plist)?.[1];
    return { 'varsync.os': 'macOS', 'varsync.os_version': version ?? sources.release() };
  }
  if (platform === 'linux') {
    const release = parseOsRelease(
      readOptional(sources, '/etc/os-release') ?? readOptional(sources, '/usr/lib/os-release') ?? '',
    );
    return { 'varsync.os': release.NAME ?? 'Linux', 'varsync.os_version': release.VERSION_ID ?? sources.release() };
  }
  return { 'varsync.os': platform, 'varsync.os_version': sources.release() };
}

function readOptional(sources: SystemSources, path: string): string | undefined {
  try {
    return sources.readText(path);
  } catch {
    return undefined;
  }
}

/** KEY=value lines, values optionally quoted (os-release(5)). */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) fields[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, '$2').replace(/\\(.)/g, '$1');
  }
  return fields;
}
