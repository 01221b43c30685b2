// The diagnostics bundle, built by `varsync diagnostics` after real runs of the daemon against the
// emulator with real-looking secrets and failures: every file of the zip (read back with yauzl) is
// scanned for each secret, the raw machine ID and the hardware ID, in every common encoding; and
// what support needs is there: logs with correlation IDs, the configuration with its sources,
// status, queue, dead letters, history, versions, a timed connectivity probe.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { listLogFiles } from '../../main/core/log/files.js';
import packageJson from '../../package.json' with { type: 'json' };
import { eventually, tempDir } from '../helpers/agent.js';
import { varsync } from '../helpers/cli.js';
import { leaks, readZip } from '../helpers/zip.js';

const SECRETS = {
  sharedKey: 'sk_live_Zq8/Vt+3mW=kP9xR2nL7',
  clientSecret: 'cs_8Jd&Qe?4Wr/9Zk+Lm2=Xp',
  licenseKey: 'ACME-7Q4K-93HF-PL2M-Z8RT',
  password: 'Tr0ub4dor & 3/horse+staple',
};
/** What test/helpers/cli.ts hands the agent as the OS machine GUID. */
const RAW_MACHINE_ID = 'b3c1f0e2a4d6480f9e7c5a3b1d2f4e6a';
const PRODUCT = 'acme-cad';
const API_KEY = 'ak_live_5c1d8e2f9a7b';
const CLIENT_ID = 'acme-desktop';

let emulator: Emulator;
let stateDir: string;
let dataDir: string;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: {
      products: [{ code: PRODUCT, authorization: 'key' }],
      apiKeys: [{ apiKey: API_KEY, sharedKey: SECRETS.sharedKey }],
      oauthClients: [{ clientId: CLIENT_ID, clientSecret: SECRETS.clientSecret }],
      licenses: [{ product: PRODUCT, key: SECRETS.licenseKey, maxActivations: 3 }],
      validation: { rejectNames: ['internal.note'] },
    },
  });
});
afterAll(() => emulator.close());

function env(credentials: 'hmac' | 'oauth' | 'both', extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const hmac = { VARSYNC_API_KEY: API_KEY, VARSYNC_SHARED_KEY: SECRETS.sharedKey };
  const oauth = {
    VARSYNC_CLIENT_ID: CLIENT_ID,
    VARSYNC_CLIENT_SECRET: SECRETS.clientSecret,
    VARSYNC_TOKEN_URL: emulator.tokenUrl,
  };
  return {
    VARSYNC_API_URL: emulator.url,
    VARSYNC_PRODUCT: PRODUCT,
    VARSYNC_LICENSE_KEY: SECRETS.licenseKey,
    VARSYNC_PASSWORD: SECRETS.password,
    VARSYNC_DATA_DIR: dataDir,
    VARSYNC_LOG_LEVEL: 'debug',
    VARSYNC_RETRY_BASE_MS: '20',
    VARSYNC_RETRY_MAX_MS: '200',
    VARSYNC_DEBOUNCE_MS: '20',
    XDG_STATE_HOME: stateDir,
    ...(credentials === 'oauth' ? {} : hmac),
    ...(credentials === 'hmac' ? {} : oauth),
    ...extra,
  };
}

/** `varsync run` in this process until `until` holds, then SIGTERM. */
async function runDaemon(environment: NodeJS.ProcessEnv, until: () => boolean): Promise<string> {
  let stop!: (signal: string) => void;
  const running = varsync(['run'], environment, new Promise((resolve) => (stop = resolve)));
  await eventually(() => until(), Boolean, 15_000);
  stop('SIGTERM');
  const result = await running;
  expect(result.code, result.stderr).toBe(0);
  return result.stderr;
}

describe('varsync diagnostics', () => {
  it('bundles what support needs, and no secret, raw machine ID or hardware ID in any encoding', async () => {
    stateDir = tempDir('varsync-diag-state-');
    dataDir = tempDir('varsync-diag-data-');
    const logDir = join(stateDir, 'varsync', 'logs');

    // Logs an earlier version wrote without redaction: the bundle must still not carry them out.
    const hardwareId = JSON.parse((await varsync(['hwid', '--json'], env('hmac'))).stdout).id as string;
    const sensitive = { ...SECRETS, rawMachineId: RAW_MACHINE_ID, hardwareId };
    const legacyName = `varsync.${new Date(Date.now() - 3_600_000).toISOString().replace(/[:.]/g, '-')}.log`;
    const legacy = Object.values(sensitive)
      .flatMap((secret) => [
        secret,
        Buffer.from(secret).toString('base64'),
        encodeURIComponent(secret),
        Buffer.from(secret).toString('hex'),
      ])
      .map((form) => `2020-01-01T00:00:00.000Z debug old line: ${form}`)
      .join('\n');
    expect(leaks(legacy, sensitive)).not.toEqual([]); // the scan finds what is there
    await varsync(['set', 'color=blue'], env('hmac'));
    mkdirSync(logDir, { recursive: true });
    writeFileSync(join(logDir, legacyName), `${legacy}\n`);

    // A daemon with HMAC credentials: two server failures, an activation, a value the server refuses,
    // and values that happen to be secrets.
    await varsync(
      [
        'set',
        `license_copy=${SECRETS.licenseKey}`,
        `internal.note=${SECRETS.password}`,
        `encoded=${Buffer.from(SECRETS.sharedKey).toString('base64')}`,
      ],
      env('hmac'),
    );
    emulator.faults.failNext(503, 2);
    const stderrA = await runDaemon(
      env('hmac'),
      () =>
        emulator.state.variablesOf(PRODUCT, hardwareId).encoded !== undefined &&
        emulator.requests.some((entry) => entry.code === 'validation_error'),
    );
    // Then one with OAuth client credentials.
    await varsync(['set', 'color=green'], env('oauth'));
    emulator.faults.failNext(500, 1);
    const stderrB = await runDaemon(
      env('oauth'),
      () => emulator.state.variablesOf(PRODUCT, hardwareId).color === 'green',
    );
    await varsync(['set', 'waiting=1'], env('oauth'));

    // What the daemons wrote, on disk and on stderr, is redacted already.
    const written = listLogFiles(logDir).filter((file) => file.name !== legacyName);
    expect(written.map((file) => file.name)).toEqual(['varsync.log']);
    const daemonLog = readFileSync(written[0]!.path, 'utf8');
    expect(daemonLog).toMatch(/will retry: server failure server_error/);
    for (const text of [daemonLog, stderrA, stderrB]) expect(leaks(text, sensitive)).toEqual([]);

    const out = join(tempDir('varsync-diag-out-'), 'support.zip');
    const result = await varsync(['diagnostics', '--out', out], env('both'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${out}\n`);

    const entries = await readZip(out);
    expect([...entries.keys()].sort()).toEqual(
      [
        'README.txt',
        'about.json',
        'config.json',
        'connectivity.json',
        'history.json',
        `logs/${legacyName}`,
        'logs/varsync.log',
        'network.json',
        'queue.json',
        'status.json',
      ].sort(),
    );
    for (const [name, content] of entries) expect(leaks(content.toString('utf8'), sensitive), name).toEqual([]);
    const json = (name: string) => JSON.parse(entries.get(name)!.toString('utf8'));

    expect(json('about.json')).toMatchObject({
      varsync: packageJson.version,
      node: process.versions.node,
      electron: null,
      os: { type: os.type(), release: os.release(), arch: os.arch(), platform: process.platform },
      logDir,
    });
    const settings = new Map(
      (json('config.json').settings as Array<{ key: string; value: unknown; source: string }>).map((entry) => [
        entry.key,
        entry,
      ]),
    );
    expect(settings.get('sharedKey')).toEqual({
      key: 'sharedKey',
      value: '[redacted]',
      source: 'env VARSYNC_SHARED_KEY',
    });
    expect(settings.get('clientSecret')).toMatchObject({ value: '[redacted]', source: 'env VARSYNC_CLIENT_SECRET' });
    expect(settings.get('product')).toEqual({ key: 'product', value: PRODUCT, source: 'env VARSYNC_PRODUCT' });
    expect(settings.get('logLevel')).toMatchObject({ value: 'debug', source: 'env VARSYNC_LOG_LEVEL' });

    expect(json('network.json')).toMatchObject({
      proxy: { used: null },
      dns: { ok: true, addresses: ['127.0.0.1'] },
      tcp: { ok: true },
      tls: null,
      wellKnown: { ok: true },
    });

    const status = json('status.json');
    expect(status).not.toHaveProperty('hardwareId');
    expect(status).toMatchObject({
      hardwareIdSource: 'machine-id',
      pending: 1,
      failed: 1,
      product: PRODUCT,
      lastError: null,
    });
    expect(status.clock).toEqual({ lastMeasuredOffsetMs: expect.any(Number), probeOffsetMs: expect.any(Number) });

    const queue = json('queue.json');
    expect(queue.counts).toEqual({ total: 5, pending: 1, synced: 3, failed: 1 });
    expect(queue.oldestPendingAgeMs).toBeGreaterThanOrEqual(0);
    expect(
      queue.variables.map((variable: { name: string; state: string }) => `${variable.name}:${variable.state}`),
    ).toEqual(['color:synced', 'encoded:synced', 'internal.note:failed', 'license_copy:synced', 'waiting:pending']);
    expect(queue.variables.find((variable: { name: string }) => variable.name === 'license_copy').value).toBe(
      '[redacted]',
    );
    expect(queue.deadLetters).toEqual([
      expect.objectContaining({ name: 'internal.note', value: '[redacted]', code: 'validation_error' }),
    ]);

    // Each attempt in the history is found in the log by its correlation ID.
    const history = json('history.json') as Array<{ correlationId: string; outcome: string }>;
    expect(history.map((record) => record.outcome)).toContain('retrying');
    const bundledLog = entries.get('logs/varsync.log')!.toString('utf8');
    for (const record of history) expect(bundledLog).toContain(`[sync ${record.correlationId}] pass started`);
    expect(entries.get(`logs/${legacyName}`)!.toString('utf8')).toContain('debug old line: [redacted]');

    expect(json('connectivity.json')).toEqual({
      url: `${emulator.apiBaseUrl}/.well-known`,
      ok: true,
      ms: expect.any(Number),
      clockOffsetMs: expect.any(Number),
      error: null,
    });
  }, 60_000);

  it('records a failed connectivity probe and a data folder that cannot be opened, and still writes the bundle', async () => {
    stateDir = tempDir('varsync-diag-state-');
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, '');
    dataDir = join(blocker, 'data');
    const out = join(tempDir('varsync-diag-out-'), 'offline.zip');
    const result = await varsync(['diagnostics', '--out', out], env('hmac', { VARSYNC_API_URL: 'http://127.0.0.1:9' }));
    expect(result.code, result.stderr).toBe(0);
    const entries = await readZip(out);
    const connectivity = JSON.parse(entries.get('connectivity.json')!.toString('utf8'));
    expect(connectivity).toMatchObject({
      url: 'http://127.0.0.1:9/api/v4/.well-known',
      ok: false,
      error: { kind: 'network', code: 'ECONNREFUSED' },
    });
    expect(connectivity.ms).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(entries.get('status.json')!.toString('utf8')).error).toMatch(/ENOTDIR/);
    expect(entries.has('config.json')).toBe(true);
  });

  it.each([
    [
      'a folder that does not exist',
      (dir: string) => join(dir, 'missing', 'out.zip'),
      /^varsync: --out: the folder .*missing does not exist\.$/,
    ],
    ['a folder', (dir: string) => dir, /^varsync: --out: .* is a folder, not a file name ending in \.zip\.$/],
    [
      'a name that is not .zip',
      (dir: string) => join(dir, 'out.txt'),
      /^varsync: --out: the bundle is a zip file, so its name must end in \.zip \(got "out\.txt"\)\.$/,
    ],
  ])('refuses --out naming %s: one line, exit 2, nothing written', async (_what, path, message) => {
    stateDir = tempDir('varsync-diag-state-');
    dataDir = tempDir('varsync-diag-data-');
    const dir = tempDir('varsync-diag-out-');
    const result = await varsync(['diagnostics', '--out', path(dir)], env('hmac'));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses --out without a value', async () => {
    const result = await varsync(['diagnostics', '--out'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^varsync: option --out needs a value\.\n$/);
  });
});
