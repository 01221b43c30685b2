// The README's signed curl example must work as printed: run it against a fresh emulator.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

// Asynchronous on purpose: the emulator answers from this same process.
it('the README curl example gets device_not_found, then activates, then tracks with 200', async () => {
  const readme = readFileSync('README.md', 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((match) => match[1]!)
    .find((text) => text.includes('signed()'));
  expect(block).toBeDefined();
  const script = block!.replace('http://127.0.0.1:PORT/api/v4', emulator.apiBaseUrl);
  const { stdout } = await promisify(execFile)('bash', ['-c', script], { timeout: 15_000 });
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(JSON.parse(lines[0]!)).toMatchObject({ status: 400, code: 'device_not_found' });
  expect(JSON.parse(lines[1]!)).toMatchObject({ license_active: true, license_enabled: true });
  expect(JSON.parse(lines[2]!)).toEqual([
    { variable: 'color', value: 'blue', device_id: expect.any(Number), created_at: expect.any(Number) },
  ]);
});
