// HTTPS with a private CA: the real emulator serving TLS on loopback, the real command. A
// certificate this device does not trust holds the queue as `tls` (exit 3, nothing refused);
// caFile (VARSYNC_CA_FILE) makes it drain; expired and wrong-name certificates stay held.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  createServerCertificate,
  startEmulator,
  type CertificateAuthority,
  type Emulator,
} from '../../emulator/index.js';
import { tempDir } from '../helpers/agent.js';
import { emulatorEnv, varsync } from '../helpers/cli.js';

let ca: CertificateAuthority;
const emulators: Emulator[] = [];
beforeAll(() => {
  ca = createCertificateAuthority();
});
afterAll(async () => {
  await Promise.all(emulators.map((emulator) => emulator.close()));
});

async function https(options: { expired?: boolean; names?: string[] } = {}): Promise<Emulator> {
  const emulator = await startEmulator({ tls: createServerCertificate(ca, options) });
  emulators.push(emulator);
  return emulator;
}

async function syncOnce(emulator: Emulator, extra: NodeJS.ProcessEnv = {}) {
  const env = emulatorEnv(emulator, tempDir(), extra);
  await varsync(['set', 'color=blue', 'seats:=3'], env);
  const sync = await varsync(['sync', '--json'], env);
  const status = await varsync(['status'], env);
  return { sync, report: JSON.parse(sync.stdout) as { status: Record<string, unknown> }, status: status.stdout };
}

describe('HTTPS to the License API', () => {
  it('an untrusted CA holds the queue as tls, with what to do; nothing is refused', async () => {
    const { sync, report, status } = await syncOnce(await https());
    expect(sync.code).toBe(3);
    expect(report.status).toMatchObject({
      state: 'attention',
      pending: 2,
      failed: 0,
      lastError: { kind: 'tls', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    });
    expect(status).toContain("The License API's certificate is not trusted here");
    expect(status).toMatch(
      /What to do: +Install your organization's root certificate \(caFile setting, VARSYNC_CA_FILE/,
    );
  });

  it('caFile trusts the private CA: the queue drains', async () => {
    const { sync, report } = await syncOnce(await https(), { VARSYNC_CA_FILE: ca.caFile });
    expect(sync.code).toBe(0);
    expect(report.status).toMatchObject({ state: 'synced', pending: 0, failed: 0 });
  });

  it('the emulator option tls: true makes its own CA and names its file', async () => {
    const emulator = await startEmulator({ tls: true });
    emulators.push(emulator);
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { sync } = await syncOnce(emulator, { VARSYNC_CA_FILE: emulator.caFile });
    expect(sync.code).toBe(0);
  });

  it('an expired certificate is held as tls even with the CA trusted', async () => {
    const { sync, report, status } = await syncOnce(await https({ expired: true }), { VARSYNC_CA_FILE: ca.caFile });
    expect(sync.code).toBe(3);
    expect(report.status).toMatchObject({
      pending: 2,
      failed: 0,
      lastError: { kind: 'tls', code: 'CERT_HAS_EXPIRED' },
    });
    expect(status).toContain("The License API's certificate has expired.");
  });

  it('a certificate for another name is held as tls', async () => {
    const { sync, report } = await syncOnce(await https({ names: ['api.other.example'] }), {
      VARSYNC_CA_FILE: ca.caFile,
    });
    expect(sync.code).toBe(3);
    expect(report.status).toMatchObject({
      pending: 2,
      failed: 0,
      lastError: { kind: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    });
  });

  it('a caFile that is missing or holds no certificate stops with one line naming it and where it was set (exit 2)', async () => {
    const emulator = await https();
    const env = emulatorEnv(emulator, tempDir());
    const missing = await varsync(['set', 'a=1'], { ...env, VARSYNC_CA_FILE: '/nonexistent/ca.pem' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'varsync: caFile /nonexistent/ca.pem: cannot be read (ENOENT); check the path and its permissions. ' +
        'Set by env VARSYNC_CA_FILE.\n',
    );
    const empty = join(tempDir(), 'empty.pem');
    writeFileSync(empty, 'not a certificate\n');
    const bad = await varsync(['set', 'a=1'], { ...env, VARSYNC_CA_FILE: empty });
    expect(bad).toMatchObject({
      code: 2,
      stderr: `varsync: caFile ${empty}: holds no PEM certificate (-----BEGIN CERTIFICATE-----). Set by env VARSYNC_CA_FILE.\n`,
    });
  });
});
