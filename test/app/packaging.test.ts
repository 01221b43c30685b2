// Packaging: the Electron fuses that harden the shipped binary, and what the installers contain.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const builder = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');

/** The `key: value` lines of a top-level block of the YAML file (enough for this flat file). */
function block(name: string): Record<string, string> {
  const lines = builder.split('\n');
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

const topLevel = (key: string) => new RegExp(`^${key}:\\s*(.+?)\\s*$`, 'm').exec(builder)?.[1];

describe('electron-builder.yml', () => {
  it('flips the fuses: no Node mode, no NODE_OPTIONS or --inspect, encrypted cookies, the app only from a checked ASAR', () => {
    expect(block('electronFuses')).toEqual({
      runAsNode: 'false',
      enableCookieEncryption: 'true',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
      grantFileProtocolExtraPrivileges: 'false',
    });
  });

  it('packs the built shell into an ASAR and starts it', () => {
    expect(topLevel('asar')).toBe('true');
    expect(topLevel('npmRebuild')).toBe('false');
    expect(block('extraMetadata')).toEqual({ main: 'out/main/main.mjs' });
    expect(builder).toMatch(/^files:\n {2}- out\/\*\*\/\*$/m);
  });
});
