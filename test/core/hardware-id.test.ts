// The hardware ID: salted per product, bad machine IDs treated as none, a generated ID kept,
// a configured ID winning, and a later change reported rather than silently followed; on Windows
// the machine GUID read without a console window, and read exactly as node-machine-id reads it.
import { createHash } from 'node:crypto';
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  isUsableMachineId,
  MACHINE_GUID_KEY,
  readWindowsMachineGuid,
  resolveHardwareId,
  saltedHash,
} from '../../main/core/identity/hardware-id.js';
import { tempDir } from '../helpers/agent.js';

const GUID = '4c4c4544-0042-3510-8051-b4c04f4d4a32';
const resolve = (dataDir: string, extra: Partial<Parameters<typeof resolveHardwareId>[0]> = {}) =>
  resolveHardwareId({ product: 'prod', dataDir, readMachineId: () => GUID, hostname: () => 'pc-1', ...extra });

describe('hardware ID', () => {
  it('reports a per-product salted hash of the machine ID, never the raw GUID', () => {
    const id = resolve(tempDir());
    expect(id).toMatchObject({ source: 'machine-id', change: undefined });
    expect(id.id).toBe(saltedHash('prod', GUID));
    expect(id.id).not.toContain(GUID);
    expect(saltedHash('other-product', GUID)).not.toBe(id.id);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['sha256 of the empty string', createHash('sha256').update('').digest('hex')],
    ['md5 of the empty string', createHash('md5').update('').digest('hex')],
    ['the hostname', 'PC-1'],
    ['a hash of the hostname', createHash('sha256').update('pc-1').digest('hex')],
    ['all zeros', '00000000-0000-0000-0000-000000000000'],
  ])('treats %s as no ID and falls back to a generated one, kept across restarts', (_what, raw) => {
    expect(isUsableMachineId(raw, 'pc-1')).toBe(false);
    const dataDir = tempDir();
    const first = resolve(dataDir, { readMachineId: () => raw });
    expect(first.source).toBe('generated');
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(resolve(dataDir, { readMachineId: () => raw }).id).toBe(first.id);
  });

  it('falls back when the machine ID cannot be read at all', () => {
    expect(resolve(tempDir(), { readMachineId: () => undefined }).source).toBe('generated');
  });

  it('a configured ID wins and is used as given', () => {
    expect(resolve(tempDir(), { configured: 'VENDOR-HW-42' })).toMatchObject({
      id: 'VENDOR-HW-42',
      source: 'configured',
    });
  });

  it('a later change of the machine ID is reported, and the first ID kept', () => {
    const dataDir = tempDir();
    const first = resolve(dataDir);
    const later = resolve(dataDir, { readMachineId: () => '9d1f3e5a-7b2c-4d6e-8f0a-1b3c5d7e9f11' });
    expect(later.id).toBe(first.id);
    expect(later.change).toMatchObject({
      previous: first.id,
      previousSource: 'machine-id',
      currentSource: 'machine-id',
      followed: false,
    });
    // The report stays until the cause goes away.
    expect(resolve(dataDir, { readMachineId: () => '9d1f3e5a-7b2c-4d6e-8f0a-1b3c5d7e9f11' }).change?.followed).toBe(
      false,
    );
  });

  it('a newly configured ID is followed, and the change reported', () => {
    const dataDir = tempDir();
    const first = resolve(dataDir);
    const later = resolve(dataDir, { configured: 'VENDOR-HW-42' });
    expect(later).toMatchObject({ id: 'VENDOR-HW-42', source: 'configured' });
    expect(later.change).toMatchObject({ previous: first.id, current: 'VENDOR-HW-42', followed: true });
  });

  it('persists the first ID in the data folder, owner-readable only', async () => {
    const dataDir = tempDir();
    const id = resolve(dataDir);
    const file = JSON.parse(readFileSync(join(dataDir, 'identity.json'), 'utf8'));
    expect(file).toMatchObject({ hardwareId: id.id, source: 'machine-id' });
    const { statSync } = await import('node:fs');
    expect(statSync(join(dataDir, 'identity.json')).mode & 0o077).toBe(0);
  });
});

/**
 * node-machine-id's own code (its dist/index.js), run as on Windows: process.platform 'win32', and
 * a child_process whose execSync answers with `output` and records the command line it ran.
 */
function nodeMachineIdOnWindows(output: string): { id: string; command: string } {
  const path = createRequire(import.meta.url).resolve('node-machine-id');
  const commands: string[] = [];
  const module = { exports: {} as { machineIdSync(original: boolean): string } };
  const fakeRequire = (name: string) => {
    if (name === 'crypto') return crypto;
    if (name === 'child_process')
      return {
        execSync: (command: string) => {
          commands.push(command);
          return Buffer.from(output);
        },
      };
    throw new Error(`node-machine-id asked for ${name}`);
  };
  runInNewContext(readFileSync(path, 'utf8'), {
    module,
    exports: module.exports,
    require: fakeRequire,
    process: { platform: 'win32', arch: 'x64', env: {} },
  });
  const id = module.exports.machineIdSync(true);
  return { id, command: commands[0]! };
}

describe('the Windows machine GUID', () => {
  const outputs = {
    'Windows 11': `\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\r\n    MachineGuid    REG_SZ    ${GUID.toUpperCase()}\r\n\r\n`,
    'lower-case, LF only': `\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\n    MachineGuid    REG_SZ    ${GUID}\n`,
  };

  it.each(Object.entries(outputs))(
    'is the same as node-machine-id gives (%s), so installed devices keep their hardware ID',
    (_name, output) => {
      const theirs = nodeMachineIdOnWindows(output);
      const runs: Array<{ file: string; args: string[] }> = [];
      const ours = readWindowsMachineGuid(
        (file, args) => {
          runs.push({ file, args });
          return output;
        },
        { SystemRoot: 'C:\\Windows' },
      );
      expect(theirs.id).toBe(GUID);
      expect(ours).toBe(theirs.id);
      expect(saltedHash('prod', ours!)).toBe(saltedHash('prod', theirs.id));
      // The same query, by the same program; run directly (no cmd.exe) and without a window.
      expect(theirs.command).toBe(`%windir%\\System32\\REG.exe QUERY ${MACHINE_GUID_KEY} /v MachineGuid`);
      expect(runs).toEqual([
        { file: join('C:\\Windows', 'System32', 'reg.exe'), args: ['QUERY', MACHINE_GUID_KEY, '/v', 'MachineGuid'] },
      ]);
    },
  );

  it('is none when reg.exe cannot answer', () => {
    expect(
      readWindowsMachineGuid(() => {
        throw new Error('spawn reg.exe ENOENT');
      }),
    ).toBeUndefined();
    expect(readWindowsMachineGuid(() => 'ERROR: The system was unable to find the specified registry key.')).toBe(
      undefined,
    );
  });

  it('is read without a console window', () => {
    const source = readFileSync(
      join(import.meta.dirname, '..', '..', 'main', 'core', 'identity', 'hardware-id.ts'),
      'utf8',
    );
    expect(source).toMatch(/execFileSync\(file, args, \{[^}]*windowsHide: true/);
  });
});
