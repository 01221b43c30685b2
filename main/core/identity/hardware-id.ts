// The hardware ID this device reports. By default a per-product salted hash of the OS machine
// GUID (never the raw GUID); an ID a vendor configures (the one its own application activated
// with) wins; with no usable GUID, a generated ID kept in the data folder. The first ID is
// persisted and a later change is reported, not silently followed. The GUID comes from
// node-machine-id; on Windows, from its query run without a console window (readWindowsMachineGuid).
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import machineIdPackage from 'node-machine-id';
import type { HardwareIdChangeView, HardwareIdSource } from '../../../shared/agent-api.js';
import { parseRegQueryOutput, regExePath } from '../config/registry-policy.js';

export type { HardwareIdSource };

export type HardwareIdChange = HardwareIdChangeView;

export interface HardwareId {
  id: string;
  source: HardwareIdSource;
  change: HardwareIdChange | undefined;
}

export interface HardwareIdOptions {
  product: string;
  dataDir: string;
  configured?: string;
  /** The raw OS machine GUID, or undefined when none can be read. Tests pass their own. */
  readMachineId?: () => string | undefined;
  hostname?: () => string;
  now?: () => number;
}

export const IDENTITY_FILE = 'identity.json';

interface IdentityFile {
  hardwareId: string;
  source: HardwareIdSource;
  firstSeenAt: number;
  /** The random ID used when the OS gives none; kept so it never changes. */
  generatedId?: string;
  change?: HardwareIdChange;
}

export function resolveHardwareId(options: HardwareIdOptions): HardwareId {
  const now = options.now ?? Date.now;
  const path = join(options.dataDir, IDENTITY_FILE);
  const stored = readIdentity(path);
  const current = currentId(options, stored);

  if (!stored) {
    writeIdentity(path, {
      hardwareId: current.id,
      source: current.source,
      firstSeenAt: now(),
      generatedId: current.generatedId,
    });
    return { id: current.id, source: current.source, change: undefined };
  }
  if (stored.hardwareId === current.id) {
    return { id: stored.hardwareId, source: stored.source, change: stored.change };
  }
  const followed = current.source === 'configured';
  const change: HardwareIdChange = {
    previous: stored.hardwareId,
    previousSource: stored.source,
    current: current.id,
    currentSource: current.source,
    detectedAt: now(),
    followed,
  };
  const next: IdentityFile = followed
    ? {
        ...stored,
        hardwareId: current.id,
        source: current.source,
        change,
        generatedId: stored.generatedId ?? current.generatedId,
      }
    : { ...stored, change, generatedId: stored.generatedId ?? current.generatedId };
  writeIdentity(path, next);
  return { id: next.hardwareId, source: next.source, change };
}

function currentId(
  options: HardwareIdOptions,
  stored: IdentityFile | undefined,
): { id: string; source: HardwareIdSource; generatedId?: string } {
  const configured = options.configured?.trim();
  if (configured) return { id: configured, source: 'configured' };
  const raw = (options.readMachineId ?? readOsMachineId)();
  if (isUsableMachineId(raw, (options.hostname ?? osHostname)())) {
    return { id: saltedHash(options.product, raw!), source: 'machine-id' };
  }
  const generatedId = stored?.generatedId ?? randomUUID();
  return { id: generatedId, source: 'generated', generatedId };
}

/** Per-product salt: two vendors' products never see the same ID for one machine, nor the GUID. */
export function saltedHash(product: string, machineId: string): string {
  return createHmac('sha256', `varsync:${product}`).update(machineId.trim().toLowerCase()).digest('hex');
}

const EMPTY_HASHES = new Set([
  createHash('sha256').update('').digest('hex'),
  createHash('md5').update('').digest('hex'),
  createHash('sha1').update('').digest('hex'),
]);

/** Empty IDs, hashes of the empty string and hostname fallbacks are no ID at all. */
export function isUsableMachineId(raw: string | undefined, hostname: string): boolean {
  const id = raw?.trim().toLowerCase();
  if (!id) return false;
  if (EMPTY_HASHES.has(id)) return false;
  const host = hostname.trim().toLowerCase();
  if (host && (id === host || id === createHash('sha256').update(host).digest('hex'))) return false;
  return /[0-9a-f]/.test(id) && !/^0+$/.test(id.replace(/-/g, ''));
}

/**
 * The raw OS machine GUID (never reported; the logs redact it), or undefined when none can be
 * read. Read once per process: it does not change while the process runs, and reading it starts
 * a program (ioreg, reg.exe, a shell).
 */
export function readOsMachineId(platform: NodeJS.Platform = process.platform): string | undefined {
  machineId ??= { value: platform === 'win32' ? readWindowsMachineGuid() : readWithNodeMachineId() };
  return machineId.value;
}
let machineId: { value: string | undefined } | undefined;

function readWithNodeMachineId(): string | undefined {
  try {
    return machineIdPackage.machineIdSync(true);
  } catch {
    return undefined;
  }
}

/** The registry value node-machine-id reads on Windows. */
export const MACHINE_GUID_KEY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography';

/**
 * Windows: node-machine-id's own query (`REG.exe QUERY <key> /v MachineGuid`, dist/index.js),
 * run without a console window. node-machine-id runs it through execSync without windowsHide,
 * which flashes a console from a GUI process like Electron's, at start-up and on "Collect
 * diagnostics". The answer is read as node-machine-id reads it, so that installed devices keep
 * their hardware ID (test/core/hardware-id.test.ts runs node-machine-id's code on the same output).
 */
export function readWindowsMachineGuid(
  run: (file: string, args: string[]) => string = (file, args) =>
    execFileSync(file, args, {
      encoding: 'utf8',
      timeout: 10_000,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  try {
    return machineGuidFromRegQuery(run(regExePath(env), ['QUERY', MACHINE_GUID_KEY, '/v', 'MachineGuid']));
  } catch {
    return undefined;
  }
}

/** The MachineGuid in `reg query` output, lower case and without white space, as node-machine-id gives it. */
export function machineGuidFromRegQuery(output: string): string | undefined {
  const value = parseRegQueryOutput(output).find((entry) => entry.name.toLowerCase() === 'machineguid');
  return typeof value?.data === 'string' ? value.data.replace(/\s+/g, '').toLowerCase() : undefined;
}

function readIdentity(path: string): IdentityFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as IdentityFile;
    return typeof parsed.hardwareId === 'string' && parsed.hardwareId ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Write to a temporary file and rename, so a crash never leaves half a file. */
function writeIdentity(path: string, identity: IdentityFile): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
