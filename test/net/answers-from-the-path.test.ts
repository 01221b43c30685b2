// Answers that come from something on the way (a proxy asking for credentials, a firewall's HTML
// page, a wrong URL) must never turn a queued value into `failed`, and `varsync sync` must never
// exit 0 while values are pending. Real emulator over loopback, real SQLite, the real command.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { resetEmulator } from '../helpers/api.js';
import { tempDir } from '../helpers/agent.js';
import { emulatorEnv, varsync } from '../helpers/cli.js';

let emulator: Emulator;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  resetEmulator(emulator);
  env = emulatorEnv(emulator, tempDir());
});

const VALUES = ['color=blue', 'seats:=3', 'beta:=true', 'plan=pro'];
const HTML = (text: string) => `<!doctype html><html><body><h1>${text}</h1></body></html>`;

async function queueState(): Promise<{ pending: number; failed: number; states: string[] }> {
  const status = JSON.parse((await varsync(['status', '--json'], env)).stdout) as { pending: number; failed: number };
  const rows = JSON.parse((await varsync(['get', '--json'], env)).stdout) as Array<{ state: string }>;
  return { pending: status.pending, failed: status.failed, states: rows.map((row) => row.state) };
}

describe('answers that are not the License API never refuse a value', () => {
  it.each([
    [407, HTML('Proxy Authentication Required'), 'proxy', 3],
    [403, HTML('Access denied by your organization'), 'credentials', 3],
    [404, HTML('Not Found'), 'credentials', 3],
    [400, HTML('Bad Request (blocked by policy)'), 'server', 4],
    [422, '{"error":"unprocessable"}', 'server', 4],
    [502, HTML('Bad Gateway'), 'server', 4],
  ] as const)(
    'HTTP %s with %j: kind %s, varsync sync exits %s, every value still pending',
    async (status, body, kind, exit) => {
      await varsync(['set', ...VALUES], env);
      // Every request of the pass gets the answer (a batch split would need several).
      emulator.faults.respondRawNext(status, body, body.startsWith('{') ? 'application/json' : 'text/html', 50);
      const sync = await varsync(['sync', '--json'], env);
      expect(sync.code).toBe(exit);
      expect(JSON.parse(sync.stdout)).toMatchObject({ status: { pending: 4, failed: 0, lastError: { kind } } });
      expect(await queueState()).toEqual({
        pending: 4,
        failed: 0,
        states: ['pending', 'pending', 'pending', 'pending'],
      });
      emulator.faults.clear();
      expect((await varsync(['sync'], env)).code).toBe(0);
      expect(await queueState()).toMatchObject({ pending: 0, failed: 0 });
    },
  );

  it('a proxy 407 holds the queue with a reason and what to do (varsync status)', async () => {
    await varsync(['set', ...VALUES], env);
    emulator.faults.respondRawNext(407, HTML('Proxy Authentication Required'), 'text/html', 50);
    await varsync(['sync'], env);
    const status = await varsync(['status'], env);
    expect(status.stdout).toContain(
      'A proxy between this device and the License API asks for a user name and password.',
    );
    expect(status.stdout).toMatch(/What to do: +Put them in the proxy setting/);
    expect(JSON.parse((await varsync(['status', '--json'], env)).stdout)).toMatchObject({
      state: 'attention',
      lastError: { kind: 'proxy', code: 'http_407' },
    });
  });

  it('only a License API error body with validation_error refuses a value', async () => {
    emulator.state.load({ ...emulator.state.seed, validation: { rejectNames: ['bad'] } });
    await varsync(['set', 'good=1', 'bad=2'], env);
    expect((await varsync(['sync'], env)).code).toBe(0);
    expect(await queueState()).toMatchObject({ pending: 0, failed: 1 });
  });
});
