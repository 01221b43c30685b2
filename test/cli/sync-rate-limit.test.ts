// `varsync sync` and a rate-limit pause: the one-off pass honours the pause the License API asked
// for (kept in the database by the pass that was refused), exits 4 and says until when; --force sends.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { tempDir } from '../helpers/agent.js';
import { emulatorEnv, varsync } from '../helpers/cli.js';

let emulator: Emulator;
let dataDir: string;
beforeAll(async () => {
  emulator = await startEmulator();
  dataDir = tempDir('varsync-rate-limit-');
});
afterAll(async () => {
  await emulator.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('exits 4 with the time it may try again, sends nothing, and sends with --force', async () => {
  const env = emulatorEnv(emulator, dataDir, { VARSYNC_HARDWARE_ID: 'cli-rate-limit' });
  expect((await varsync(['set', 'color=blue'], env)).code).toBe(0);
  emulator.faults.rateLimitNext(600);
  const refused = await varsync(['sync'], env);
  expect(refused.code).toBe(4);
  const requests = emulator.requests.length;

  const waiting = await varsync(['sync', '--json'], env);
  expect(waiting.code).toBe(4);
  const answer = JSON.parse(waiting.stdout) as { rateLimitedUntil: string; status: { pending: number } };
  expect(Date.parse(answer.rateLimitedUntil) - Date.now()).toBeGreaterThan(590_000);
  expect(answer.status.pending).toBe(1);
  const plain = await varsync(['sync'], env);
  expect(plain.code).toBe(4);
  expect(plain.stdout).toMatch(/^Rate limited: .* may try again at \d{4}-\d\d-\d\dT.*--force/);
  expect(emulator.requests.length).toBe(requests);

  const forced = await varsync(['sync', '--force'], env);
  expect(forced.code).toBe(0);
  expect(emulator.state.variablesOf('varsync-demo', 'cli-rate-limit')).toEqual({ color: 'blue' });
});
